package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitGraph;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.job.Verification;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Map;

/**
 * Moves a job forward after units finish: a blocked unit becomes pending once every unit it waits for
 * in the job's {@link UnitGraph} is done (the type prepare before the tables' prepares, a table's prepare
 * — in the modes that keep tables, every table's prepare — before its copies, all of a target table's copies before its finish, every table's finish before the
 * job-level finish, every other step before the verify units); every step but the verify units done →
 * the job is verifying; every unit done → the job succeeded, or failed if its verification found
 * differences.
 *
 * <p>{@link #settle} recomputes this from the units' states (and the plans' partition links) alone, so
 * it is idempotent: it runs after a table's last copy and every other completed unit, and again at
 * start-up, which repairs a coordinator that died between recording a unit done and unblocking its
 * dependents. That is also why unblocking is not written to the target ({@link JobBoard#unblocked}).
 */
public final class Unblocker {

  private final JobBoard board;

  public Unblocker(JobBoard board) {
    this.board = board;
  }

  /**
   * Moves the job on after {@code done} finished. A copy unit whose table still has copies to do
   * unblocks nothing and leaves the job's phase as it is (copies remain), so only the last copy of a
   * table pays for {@link #settle}, which looks at every unit of the job: settling after every copy made
   * a job of n units cost n² on the coordinator.
   */
  public void settleAfter(WorkUnit done, long now) {
    String table = done.slice().table();
    if (done.kind() == UnitKind.COPY && table != null && board.openCopies(done.jobId(), table) > 0) {
      return;
    }
    // Likewise a verify unit unblocks nothing: only the last one moves the job on.
    if (done.kind() == UnitKind.VERIFY && board.openVerifies(done.jobId()) > 0) {
      return;
    }
    settle(done.jobId(), now);
  }

  public void settle(String jobId, long now) {
    JobRecord job = board.job(jobId);
    if (job == null) {
      return;
    }
    Map<String, String> parents = job.plans() == null ? Map.of() : UnitPlanner.partitionParents(job.plans());
    UnitGraph graph = new UnitGraph(board.units(jobId), parents, job.spec() == null ? null : job.spec().mode());
    for (WorkUnit u : graph.steps()) {
      if (u.state() == UnitState.BLOCKED && graph.ready(u)) {
        board.unblocked(u.withState(UnitState.PENDING));
      }
    }
    updateJob(job, now);
  }

  /**
   * Sets the phase from the earliest kind of unit not yet done; a running job whose copy is done and
   * whose verify units are not is verifying; a fully done job succeeded when its verification is clean
   * (or it has none), else failed, saying what differs.
   */
  private void updateJob(JobRecord job, long now) {
    JobPhase phase = JobPhase.DONE;
    boolean copying = false;
    boolean verifying = false;
    for (WorkUnit u : board.units(job.id())) {
      if (u.state() == UnitState.DONE || u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE) {
        continue;
      }
      JobPhase unitPhase = switch (u.kind()) {
        case PREPARE, SURVEY -> JobPhase.PREPARE;
        case COPY, ROLLBACK, REPAIR -> JobPhase.COPY;
        case FINISH, RESTORE -> JobPhase.FINISH;
        case VERIFY -> JobPhase.VERIFY;
      };
      verifying |= u.kind() == UnitKind.VERIFY;
      copying |= u.kind() != UnitKind.VERIFY;
      if (unitPhase.ordinal() < phase.ordinal()) {
        phase = unitPhase;
      }
    }
    JobRecord updated = job.phase() == phase ? job : job.withPhase(phase);
    if (verifying && !copying && job.state() == JobState.RUNNING) {
      updated = updated.withState(JobState.VERIFYING, null, null);
    }
    if (phase == JobPhase.DONE && (job.state() == JobState.RUNNING || job.state() == JobState.VERIFYING)) {
      String failure = Verification.of(board.units(job.id())).failure();
      updated = failure == null ? updated.withState(JobState.SUCCEEDED, now, null)
          : updated.withState(JobState.FAILED, now, failure);
    }
    if (updated != job) {
      board.save(updated);
    }
  }
}
