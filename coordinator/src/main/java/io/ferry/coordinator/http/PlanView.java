package io.ferry.coordinator.http;

import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The answer of a dry run: what a job would do, per target table, without storing or starting anything. */
final class PlanView {

  private PlanView() {
  }

  static JsonObject of(JobSpec spec, List<TablePlan> plans) {
    JsonArray tables = new JsonArray();
    long totalUnits = 0;
    long totalRows = 0;
    long totalBytes = 0;
    for (Map.Entry<String, List<TablePlan>> e : UnitPlanner.byTargetTable(plans).entrySet()) {
      TablePlan first = e.getValue().get(0);
      long rows = 0;
      long bytes = 0;
      long units = 0;
      JsonArray tenants = new JsonArray();
      Set<String> warnings = new LinkedHashSet<>();
      for (TablePlan p : e.getValue()) {
        tenants.add(p.tenantId());
        rows += p.estimatedRows();
        bytes += p.estimatedBytes();
        units += UnitPlanner.copyUnits(p, plans, spec.unitOrDefault());
        if (p.warnings() != null) {
          p.warnings().forEach(w -> warnings.add(e.getValue().size() > 1 ? p.tenantId() + ": " + w : w));
        }
      }
      totalRows += rows;
      totalBytes += bytes;
      tables.add(new JsonObject()
          .put("table", e.getKey())
          .put("tenants", tenants)
          .put("key", list(first.key()))
          .put("splitMethod", first.splitMethod() == null ? null : first.splitMethod().wireName())
          .put("keySampleMethod", first.keySampleMethod())
          .put("estimatedRows", rows)
          .put("estimatedBytes", bytes)
          .put("units", units)
          .put("ddl", list(first.prepareStatements()))
          .put("finish", list(first.finishStatements()))
          .put("foreignKeys", list(first.foreignKeys()))
          .put("warnings", new JsonArray(List.copyOf(warnings))));
    }
    // Totals count every unit the job would run (prepare and finish too); per table only copy units.
    totalUnits = UnitPlanner.units("dry-run", plans, spec.unitOrDefault()).size();
    return new JsonObject()
        .put("name", spec.name())
        .put("mode", spec.mode() == null ? null : spec.mode().wireName())
        .put("tables", tables)
        .put("totals", new JsonObject().put("tables", tables.size()).put("units", totalUnits)
            .put("estimatedRows", totalRows).put("estimatedBytes", totalBytes));
  }

  private static JsonArray list(List<String> values) {
    return values == null ? new JsonArray() : new JsonArray(List.copyOf(values));
  }
}
