package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a job forward after units finish: the job's type prepare ({@code prepare:*types}) done → every
 * table's prepare becomes pending; a table's prepare done → its copies become pending; all copies
 * of a target table (every tenant's) done → its finish becomes pending; every table's finish done → the
 * job-level finish (foreign keys) becomes pending; every unit done → the job succeeded.
 *
 * <p>Partitioned tables (see {@link UnitPlanner}): a leaf partition has no prepare of its own, so its
 * copies wait for its parent's prepare, which creates it; the parent has no copies of its own, so its
 * finish waits for the copies of every leaf.
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
    if (done.kind() == UnitKind.COPY && done.table() != null && board.openCopies(done.jobId(), done.table()) > 0) {
      return;
    }
    settle(done.jobId(), now);
  }

  public void settle(String jobId, long now) {
    JobRecord job = board.job(jobId);
    if (job == null) {
      return;
    }
    Collection<WorkUnit> units = board.units(jobId);
    Map<String, TableUnits> tables = new HashMap<>();
    WorkUnit jobFinish = null;
    WorkUnit typesPrepare = null;
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE) {
        continue; // not a step of the migration: nothing waits for it, and it waits for nothing
      }
      if (u.table() == null) {
        if (u.kind() == UnitKind.PREPARE) {
          typesPrepare = u;
        } else {
          jobFinish = u;
        }
        continue;
      }
      TableUnits t = tables.computeIfAbsent(u.table(), k -> new TableUnits());
      switch (u.kind()) {
        case PREPARE -> t.prepare = u;
        case FINISH -> t.finish = u;
        default -> t.copies.add(u);
      }
    }
    Map<String, String> parents = job.plans() == null ? Map.of() : UnitPlanner.partitionParents(job.plans());
    Map<String, List<String>> leaves = new HashMap<>();
    parents.forEach((leaf, parent) -> leaves.computeIfAbsent(parent, p -> new ArrayList<>()).add(leaf));
    boolean allTablesFinished = true;
    boolean typesCreated = typesPrepare == null || typesPrepare.state() == UnitState.DONE;
    for (Map.Entry<String, TableUnits> e : tables.entrySet()) {
      TableUnits t = e.getValue();
      if (!typesCreated) {
        allTablesFinished = false;
        continue;
      }
      if (t.prepare != null) {
        unblock(t.prepare);
      }
      boolean prepared = prepared(e.getKey(), tables, parents);
      if (prepared) {
        for (WorkUnit copy : t.copies) {
          unblock(copy);
        }
      }
      boolean copied = prepared && allDone(t.copies)
          && leaves.getOrDefault(e.getKey(), List.of()).stream().allMatch(leaf -> copied(leaf, tables, parents));
      if (copied && t.finish != null) {
        unblock(t.finish);
      }
      // Copied too: after a rollback a table's finish is done while its copies run again.
      allTablesFinished &= copied && (t.finish == null || board.unit(jobId, t.finish.id()).state() == UnitState.DONE);
    }
    if (allTablesFinished && jobFinish != null) {
      unblock(jobFinish);
    }
    updateJob(job, now);
  }

  /** The table exists on the target: its prepare is done, or (a leaf partition) its parent's is. */
  private static boolean prepared(String table, Map<String, TableUnits> tables, Map<String, String> parents) {
    String current = table;
    for (int depth = 0; depth <= parents.size(); depth++) {
      TableUnits t = tables.get(current);
      if (t != null && t.prepare != null) {
        return t.prepare.state() == UnitState.DONE;
      }
      current = parents.get(current);
      if (current == null) {
        return true;
      }
    }
    return false;
  }

  private static boolean copied(String table, Map<String, TableUnits> tables, Map<String, String> parents) {
    TableUnits t = tables.get(table);
    return prepared(table, tables, parents) && (t == null || allDone(t.copies));
  }

  private static boolean allDone(List<WorkUnit> units) {
    return units.stream().allMatch(u -> u.state() == UnitState.DONE);
  }

  private void unblock(WorkUnit unit) {
    if (unit.state() == UnitState.BLOCKED) {
      board.unblocked(unit.withState(UnitState.PENDING));
    }
  }

  /** Sets the phase from the earliest kind of unit not yet done, and marks a fully done job succeeded. */
  private void updateJob(JobRecord job, long now) {
    JobPhase phase = JobPhase.DONE;
    for (WorkUnit u : board.units(job.id())) {
      if (u.state() == UnitState.DONE || u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE) {
        continue;
      }
      JobPhase unitPhase = switch (u.kind()) {
        case PREPARE, SURVEY -> JobPhase.PREPARE;
        case COPY, VERIFY, ROLLBACK -> JobPhase.COPY;
        case FINISH, RESTORE -> JobPhase.FINISH;
      };
      if (unitPhase.ordinal() < phase.ordinal()) {
        phase = unitPhase;
      }
    }
    JobRecord updated = job.phase() == phase ? job : job.withPhase(phase);
    if (phase == JobPhase.DONE && job.state() == JobState.RUNNING) {
      updated = updated.withState(JobState.SUCCEEDED, now, null);
    }
    if (updated != job) {
      board.save(updated);
    }
  }

  private static final class TableUnits {
    WorkUnit prepare;
    WorkUnit finish;
    final List<WorkUnit> copies = new ArrayList<>();
  }
}
