package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.schedule.JobTally;
import io.ferry.coordinator.schedule.TenantTable;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * A job's progress per tenant and target table: one cell per pair that has units, holding that tenant's
 * units of the table plus the table's own prepare and finish (they name no tenant, and a tenant's share
 * of a table is not done before them). What the dashboard's tenant × table grid shows, once a second per
 * open job page: read from the job's {@link JobTally}, so it costs the cells, not the job's units.
 */
public final class TenantGrid {

  private TenantGrid() {
  }

  /** The cells of a job: a cell of a paused or cancelled tenant or table is in that state ({@link JobRecord#scopes()}). */
  public static JsonArray of(JobTally tally, JobRecord job) {
    return of(tally, job.state(), job);
  }

  /** The cells of these units, counted afresh. */
  public static JsonArray of(Collection<WorkUnit> units, JobRecord job) {
    return of(JobTally.of(units), job);
  }

  /** The cells, tenants and tables in the order their units were planned. */
  public static JsonArray of(Collection<WorkUnit> units, JobState jobState) {
    return of(JobTally.of(units), jobState, null);
  }

  private static JsonArray of(JobTally tally, JobState jobState, JobRecord job) {
    JsonArray grid = new JsonArray();
    for (TenantTable share : tally.tenantTables()) {
      if (share.tenant() == null || share.units().unitsTotal() == 0) {
        continue;
      }
      JobState seen = job == null ? jobState : TableProgress.seenIn(jobState, job.scopeState(share.tenant(), share.table()));
      grid.add(cell(share.units(), steps(tally, share.table()), seen).put("tenant", share.tenant()));
    }
    return grid;
  }

  /** The table's own steps (its prepare and finish); null when it has none. */
  private static JobTally.Table steps(JobTally tally, String table) {
    TenantTable steps = tally.tenantTable(null, table);
    return steps == null ? null : steps.units();
  }

  /** A tenant's share with the table's steps: their states count, not their units. */
  private static JsonObject cell(JobTally.Table share, JobTally.Table steps, JobState jobState) {
    boolean failed = share.failed() || steps != null && steps.failed();
    UnitState prepare = steps != null && steps.hasPrepare() ? steps.prepare() : share.prepare();
    UnitState finish = steps != null && steps.hasFinish() ? steps.finish() : share.finish();
    return TableProgress.json(share, failed, prepare, finish, jobState);
  }

  /** A cell's key in {@link #of}'s answer. */
  public static String key(JsonObject cell) {
    return cell.getString("tenant") + "\u0000" + cell.getString("table");
  }
}
