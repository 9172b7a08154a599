package io.ferry.coordinator.http;

import io.ferry.coordinator.job.DurationEstimate;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer of a dry run: what a job would do, per target table, without storing or starting anything —
 * key, split, units, sizes, target DDL, how unusual column types travel, what happens to existing target
 * data in the chosen mode, and how long the copy should take (see {@link DurationEstimate}).
 */
final class PlanView {

  private PlanView() {
  }

  static JsonObject of(JobSpec spec, List<TablePlan> plans, long workerSlots) {
    Mode mode = spec.mode() == null ? Mode.CREATE : spec.mode();
    JsonArray tables = new JsonArray();
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
        String prefix = e.getValue().size() > 1 ? p.tenantId() + ": " : "";
        if (p.warnings() != null) {
          p.warnings().forEach(w -> warnings.add(prefix + w));
        }
        keyWarnings(p).forEach(w -> warnings.add(prefix + w));
      }
      String conflict = targetWarning(mode, first.targetExists(), first.targetHasRows());
      if (conflict != null) {
        warnings.add(conflict);
      }
      totalRows += rows;
      totalBytes += bytes;
      tables.add(new JsonObject()
          .put("table", e.getKey())
          .put("tenants", tenants)
          .put("key", list(first.split().key()))
          .put("splitMethod", first.split().method() == null ? null : first.split().method().wireName())
          .put("keySampleMethod", first.split().sampleMethod())
          .put("estimatedRows", rows)
          .put("estimatedBytes", bytes)
          .put("units", units)
          .put("copyFormat", first.copyFormatOrBinary().wireName())
          .put("typeHandling", typeHandling(first))
          .put("targetExists", first.targetExists())
          .put("targetHasRows", first.targetHasRows())
          .put("ddl", list(first.ddl().prepare()))
          .put("finish", list(first.ddl().finish()))
          .put("foreignKeys", list(first.ddl().foreignKeys()))
          .put("warnings", new JsonArray(List.copyOf(warnings))));
    }
    // Totals count every unit the job would run (prepare, finish and verify too); per table only copy units.
    List<WorkUnit> allUnits = UnitPlanner.units("dry-run", plans, spec.unitOrDefault(), spec.mode(), spec.verifyOrDefault());
    long copyUnits = allUnits.stream().filter(u -> u.kind() == UnitKind.COPY).count();
    DurationEstimate estimate = DurationEstimate.of(plans, copyUnits, workerSlots);
    Set<String> typeStatements = new LinkedHashSet<>();
    plans.forEach(p -> typeStatements.addAll(p.ddl().types() == null ? List.of() : p.ddl().types()));
    return new JsonObject()
        .put("name", spec.name())
        .put("mode", mode.wireName())
        .put("modeDescription", mode.description())
        .put("verify", spec.verifyOrDefault().wireName())
        .put("types", new JsonArray(List.copyOf(typeStatements)))
        .put("tables", tables)
        .put("totals", new JsonObject().put("tables", tables.size()).put("units", allUnits.size())
            .put("estimatedRows", totalRows).put("estimatedBytes", totalBytes))
        .put("estimatedDurationSeconds", estimate.seconds())
        .put("estimate", new JsonObject()
            .put("readBytesPerSecond", estimate.readBytesPerSecond())
            .put("parallelUnits", estimate.parallelUnits())
            .put("workerSlots", estimate.workerSlots())
            .put("formula", "sum(estimatedBytes) / (median sampled readBytesPerSecond * min(copy units, worker slots))"));
  }

  /** Columns that do not travel as plain binary passthrough, with the reason. */
  private static JsonArray typeHandling(TablePlan plan) {
    JsonArray out = new JsonArray();
    if (plan.columns() == null) {
      return out;
    }
    for (ColumnPlan c : plan.columns()) {
      if (c.handling() != null) {
        JsonObject column = new JsonObject().put("column", c.name()).put("type", c.type()).put("handling", c.handling());
        if (c.target() != null) {
          column.put("target", c.target());
        }
        out.add(column);
      }
    }
    return out;
  }

  /** Tables without a key are already flagged by the worker's survey (with the fallback it chose). */
  private static List<String> keyWarnings(TablePlan p) {
    if (p.split().nullable() && p.split().key() != null && !p.split().key().isEmpty()) {
      return List.of("key " + p.split().key() + " may be NULL: rows with a NULL key column are copied by a unit of their own");
    }
    return List.of();
  }

  /** What the mode will do to a target table that already exists (null: nothing worth saying). */
  static String targetWarning(Mode mode, boolean exists, boolean hasRows) {
    if (!exists) {
      return null;
    }
    return switch (mode) {
      case CREATE -> "the target table already exists: mode create refuses the job";
      case DROP_RECREATE -> "the target table exists" + (hasRows ? " and holds rows: it will be dropped with its rows"
          : ": it will be dropped") + " and created again";
      case TRUNCATE -> hasRows ? "the target table holds rows: they will be deleted (truncate) before the copy" : null;
      case APPEND -> hasRows ? "the target table holds rows: rows are added to them, and a duplicate key fails the unit" : null;
      case UPSERT -> hasRows ? "the target table holds rows: rows with the same key are updated, the others added; none is deleted"
          : null;
      case PRESERVE_SCHEMA -> hasRows ? "the target table holds rows: rows are added to them (its schema is used as it is)" : null;
      case VERIFY -> hasRows ? "the target table holds rows: they are compared with the source's, and nothing is written" : null;
    };
  }

  private static JsonArray list(List<String> values) {
    return values == null ? new JsonArray() : new JsonArray(List.copyOf(values));
  }
}
