package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore units ({@code restore:<n>}): a worker puts back the constraints a job recorded as dropped
 * ({@code ferry.dropped_constraints}, see docs/guarantees.md, section 10).
 *
 * <p>The job's last finish ({@code finish:*}) restores them when the job runs to its end; a cancelled job
 * never gets there, so cancelling it, or rolling back a cancelled job, asks for a restore unit instead. It
 * goes out only once none of the job's units runs: a copy still writing its last chunk must not meet the
 * keys its tables were loaded without. A failed job gets none: {@code retry} resumes it, and its copies
 * need the keys still dropped.
 */
public final class Restores {

  public static final String ID_PREFIX = "restore:";

  private static final Logger LOG = LoggerFactory.getLogger(Restores.class);

  private Restores() {
  }

  /**
   * Adds a pending restore unit when the job may have dropped constraints that its last finish has not
   * restored (its {@code finish:*} is not done) and no restore is pending yet.
   *
   * @return completes once the new unit is recorded (at once when there is none)
   */
  static CompletableFuture<Void> request(JobBoard board, JobRecord job) {
    CompletableFuture<Void> nothing = CompletableFuture.completedFuture(null);
    WorkUnit jobFinish = board.unit(job.id(), UnitPlanner.JOB_FINISH_ID);
    if (jobFinish == null || jobFinish.state() == UnitState.DONE) {
      return nothing;
    }
    int n = 1;
    for (WorkUnit u : board.units(job.id())) {
      if (u.kind() == UnitKind.RESTORE) {
        if (u.state() != UnitState.DONE && u.state() != UnitState.FAILED) {
          return nothing;
        }
        n++;
      }
    }
    WorkUnit restore = WorkUnit.create(ID_PREFIX + n, job.id(), UnitKind.RESTORE, Slice.JOB, UnitState.PENDING);
    LOG.info("job {}: {} restores the constraints it recorded as dropped once none of its units runs", job.id(), restore.id());
    return board.save(restore).toCompletableFuture();
  }

  /** True when no unit of the job is leased. */
  static boolean nothingRuns(JobBoard board, String jobId) {
    for (WorkUnit u : board.leased()) {
      if (u.jobId().equals(jobId)) {
        return false;
      }
    }
    return true;
  }
}
