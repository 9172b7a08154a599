package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's progress per tenant and target table: one cell per pair that has units, holding that tenant's
 * units of the table plus the table's own prepare and finish (they name no tenant, and a tenant's share
 * of a table is not done before them). What the dashboard's tenant × table grid shows.
 */
public final class TenantGrid {

  private TenantGrid() {
  }

  /** The cells of a job: a cell of a paused or cancelled tenant or table is in that state ({@link JobRecord#scopes()}). */
  public static JsonArray of(Collection<WorkUnit> units, JobRecord job) {
    return of(units, job.state(), job);
  }

  /** The cells, tenants and tables in the order their units were planned. */
  public static JsonArray of(Collection<WorkUnit> units, JobState jobState) {
    return of(units, jobState, null);
  }

  private static JsonArray of(Collection<WorkUnit> units, JobState jobState, JobRecord job) {
    Map<String, List<WorkUnit>> tableSteps = new LinkedHashMap<>();
    Map<String, Map<String, TableProgress>> cells = new LinkedHashMap<>();
    for (WorkUnit u : units) {
      String table = u.slice().table();
      if (table == null || u.kind() == UnitKind.ROLLBACK) {
        continue;
      }
      String tenant = u.slice().tenantId();
      if (tenant == null) {
        tableSteps.computeIfAbsent(table, t -> new ArrayList<>()).add(u);
      } else {
        cells.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).computeIfAbsent(table, TableProgress::new).add(u);
      }
    }
    JsonArray grid = new JsonArray();
    cells.forEach((tenant, tables) -> tables.forEach((table, progress) -> {
      tableSteps.getOrDefault(table, List.of()).forEach(progress::addTableStep);
      JobState seen = job == null ? jobState : TableProgress.seenIn(jobState, job.scopeState(tenant, table));
      grid.add(progress.toJson(seen).put("tenant", tenant));
    }));
    return grid;
  }

  /** A cell's key in {@link #of}'s answer. */
  public static String key(JsonObject cell) {
    return cell.getString("tenant") + "\u0000" + cell.getString("table");
  }
}
