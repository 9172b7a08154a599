package io.ferry.coordinator.job;

import io.ferry.protocol.plan.TablePlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's table plans by target table and tenant, so that finding a claimed unit's plan costs the same
 * in a job of ten plans as in one of ten thousand (a scan of the plans per claim made a job's claims cost
 * plans × units). Answers as a scan in plan order would: the first plan that matches.
 */
public final class PlanIndex {

  private final List<TablePlan> plans;
  private final Map<String, TablePlan> byTableAndTenant = new HashMap<>();
  private final Map<String, TablePlan> byTable = new HashMap<>();
  private final Map<String, TablePlan> byTenant = new HashMap<>();

  public PlanIndex(List<TablePlan> plans) {
    this.plans = plans;
    for (TablePlan p : plans) {
      byTableAndTenant.putIfAbsent(key(p.targetTable(), p.tenantId()), p);
      byTable.putIfAbsent(p.targetTable(), p);
      byTenant.putIfAbsent(p.tenantId(), p);
    }
  }

  /** Whether this index was built from exactly {@code plans} (the same list: a job's plans never change). */
  public boolean of(List<TablePlan> plans) {
    return this.plans == plans;
  }

  /**
   * The first plan of target table {@code table} and tenant {@code tenantId}; a null table or tenant
   * matches any. Null when none matches.
   */
  public TablePlan plan(String table, String tenantId) {
    if (table == null && tenantId == null) {
      return plans.isEmpty() ? null : plans.get(0);
    }
    if (table == null) {
      return byTenant.get(tenantId);
    }
    return tenantId == null ? byTable.get(table) : byTableAndTenant.get(key(table, tenantId));
  }

  private static String key(String table, String tenantId) {
    return table + "\n" + tenantId;
  }
}
