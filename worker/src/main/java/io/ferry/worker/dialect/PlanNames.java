package io.ferry.worker.dialect;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan's column names on the target. Reads use the source's names (a plan's columns and split key), and
 * everything written on the target uses these: the COPY column list, the upsert conflict key, the key a
 * rollback deletes a range by.
 */
public final class PlanNames {

  private PlanNames() {
  }

  /** Each source column name as the target names it; a name that is no column of the plan (ctid) stays. */
  public static List<String> onTarget(TablePlan plan, List<String> sourceNames) {
    if (plan.columns() == null || plan.columns().stream().allMatch(c -> c.target() == null)) {
      return sourceNames;
    }
    Map<String, String> names = new HashMap<>();
    for (ColumnPlan c : plan.columns()) {
      names.put(c.name(), c.targetName());
    }
    return sourceNames.stream().map(n -> names.getOrDefault(n, n)).toList();
  }

  /** The plan's copied columns as the target names them, in copy order. */
  public static List<String> columns(TablePlan plan) {
    return plan.columns().stream().map(ColumnPlan::targetName).toList();
  }

  /** The columns a copy writes, in stream order: the tenant column (if any), the plan's columns, then its UUID columns. */
  public static List<String> written(TablePlan plan, TenantColumn tenant) {
    List<String> written = new ArrayList<>(tenant.before(columns(plan)));
    plan.uuids().forEach(u -> written.add(u.name()));
    return List.copyOf(written);
  }
}
