package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonObject;

/**
 * The progress of one target table across its tenants (the job's {@code tables}), or of one tenant's
 * share of it (a cell of the tenant grid: that tenant's units with the table's prepare and finish).
 */
final class TableProgress {
  final String table;
  long rowsDone;
  long rowsRejected;
  long rowsEstimated;
  int unitsDone;
  int unitsTotal;
  UnitState prepare = UnitState.DONE;
  UnitState finish = UnitState.DONE;
  boolean failed;
  boolean copying;
  boolean verifying;

  TableProgress(String table) {
    this.table = table;
  }

  void add(WorkUnit u) {
    unitsTotal++;
    if (u.state() == UnitState.DONE) {
      unitsDone++;
    }
    failed |= u.state() == UnitState.FAILED;
    switch (u.kind()) {
      case PREPARE -> prepare = u.state();
      case FINISH -> finish = u.state();
      case VERIFY -> verifying |= u.state() != UnitState.DONE;
      // Its rows are copied again, not more rows of the table.
      case REPAIR -> copying |= u.state() != UnitState.DONE;
      default -> {
        rowsDone += u.progress().rows();
        rowsRejected += u.progress().rejected();
        rowsEstimated += u.slice().estimatedRows();
        copying |= u.state() != UnitState.DONE;
      }
    }
  }

  /** A step of the whole table (its prepare or finish) in a tenant's cell: its state counts, not its unit. */
  void addTableStep(WorkUnit u) {
    failed |= u.state() == UnitState.FAILED;
    switch (u.kind()) {
      case PREPARE -> prepare = u.state();
      case FINISH -> finish = u.state();
      default -> { }
    }
  }

  String state(JobState jobState) {
    return state(failed, prepare, copying, finish, verifying, jobState);
  }

  /**
   * {@code preparing}, {@code copying}, {@code finishing}, {@code verifying}, {@code done} or {@code failed}; a table not
   * done of a paused or cancelled job is {@code paused} or {@code cancelled}, of a failed job {@code stopped}: none of
   * its units is handed out.
   */
  static String state(boolean failed, UnitState prepare, boolean copying, UnitState finish, boolean verifying,
                      JobState jobState) {
    if (failed) {
      return "failed";
    }
    boolean done = prepare == UnitState.DONE && !copying && finish == UnitState.DONE && !verifying;
    if (!done && (jobState == JobState.PAUSED || jobState == JobState.CANCELLED)) {
      return jobState.wireName();
    }
    if (!done && jobState == JobState.FAILED) {
      // Another table failed the job: nothing of this one is handed out until a retry or a rollback.
      return "stopped";
    }
    if (prepare != UnitState.DONE) {
      return "preparing";
    }
    if (copying) {
      return "copying";
    }
    if (finish != UnitState.DONE) {
      return "finishing";
    }
    return verifying ? "verifying" : "done";
  }

  /**
   * The state a table (or a tenant's share of it) is seen in: a cancelled tenant or table reads
   * {@code cancelled}, a paused one {@code paused} while its job is not over.
   */
  static JobState seenIn(JobState jobState, JobState held) {
    if (held == null) {
      return jobState;
    }
    return held == JobState.CANCELLED || !jobState.isFinal() ? held : jobState;
  }

  JsonObject toJson(JobState jobState) {
    return new JsonObject().put("table", table).put("rowsDone", rowsDone).put("rowsRejected", rowsRejected)
        .put("rowsEstimated", rowsEstimated)
        .put("unitsDone", unitsDone).put("unitsTotal", unitsTotal).put("state", state(jobState));
  }
}
