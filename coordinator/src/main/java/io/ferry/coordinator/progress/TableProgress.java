package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.schedule.JobTally;
import io.ferry.protocol.unit.UnitState;
import io.vertx.core.json.JsonObject;

/**
 * How the progress of one target table across its tenants (the job's {@code tables}), or of one tenant's
 * share of it (a cell of the tenant grid: that tenant's units with the table's prepare and finish), reads.
 */
final class TableProgress {

  private TableProgress() {
  }

  /** A table's (or a tenant's share's) figures with the state it is seen in; failed, prepare and finish as given. */
  static JsonObject json(JobTally.Table t, boolean failed, UnitState prepare, UnitState finish, JobState jobState) {
    return new JsonObject().put("table", t.name()).put("rowsDone", t.rowsDone()).put("rowsRejected", t.rowsRejected())
        .put("rowsEstimated", t.rowsEstimated())
        .put("unitsDone", t.unitsDone()).put("unitsTotal", t.unitsTotal())
        .put("state", state(failed, prepare, t.copying(), finish, t.verifying(), jobState));
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
}
