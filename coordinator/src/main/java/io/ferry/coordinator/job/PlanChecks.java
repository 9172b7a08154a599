package io.ferry.coordinator.job;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.UuidColumn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks across the preflight's table plans that a single worker cannot make, because it only sees
 * one plan at a time: tenants that land in the same target table must agree on its columns (one
 * table is created for all of them) and, for a partitioned table, on its partitions (the first tenant's
 * prepare creates them, and a tenant's leaf copies straight into its own); and one tenant cannot send
 * two source tables into one target table.
 */
public final class PlanChecks {

  private PlanChecks() {
  }

  /**
   * As {@link #problems(List)}, and for a job of mode {@code verify}, which compares and creates nothing:
   * every target table must exist (a partitioned parent holds no rows of its own, its leaves must).
   */
  public static List<String> problems(List<TablePlan> plans, io.ferry.protocol.spec.Mode mode) {
    List<String> problems = problems(plans);
    if (mode == io.ferry.protocol.spec.Mode.VERIFY && plans != null) {
      Set<String> missing = new TreeSet<>();
      for (TablePlan plan : plans) {
        if (!plan.targetExists()) {
          missing.add(plan.targetTable());
        }
      }
      missing.forEach(table -> problems.add("target table " + table + " does not exist: mode verify compares existing"
          + " target tables with the source and creates nothing; copy the table first (e.g. mode create), or"
          + " exclude it with tables.exclude"));
    }
    return problems;
  }

  public static List<String> problems(List<TablePlan> plans) {
    List<String> problems = new ArrayList<>();
    if (plans == null || plans.isEmpty()) {
      problems.add("no table to copy: no source table matched tables.include / tables.exclude");
      return problems;
    }
    Set<String> tenantTables = new HashSet<>();
    for (TablePlan plan : plans) {
      if (!tenantTables.add(plan.tenantId() + "\u0000" + plan.targetTable())) {
        problems.add("tenant " + plan.tenantId() + ": two source tables land in target table " + plan.targetTable()
            + " (one is " + plan.sourceTable() + "): narrow tables.include or drop target.schema");
      }
    }
    for (Map.Entry<String, List<TablePlan>> e : UnitPlanner.byTargetTable(plans).entrySet()) {
      TablePlan first = e.getValue().get(0);
      String expected = describe(first.columns());
      for (TablePlan other : e.getValue().subList(1, e.getValue().size())) {
        String actual = describe(other.columns());
        if (!expected.equals(actual)) {
          problems.add("table " + e.getKey() + ": tenants " + first.tenantId() + " and " + other.tenantId()
              + " have different columns (" + first.tenantId() + ": " + expected + "; " + other.tenantId() + ": " + actual
              + "): every tenant of a target table needs the same columns, types and collations");
        }
        List<String> uuids = uuidColumns(first);
        if (!uuids.equals(uuidColumns(other))) {
          problems.add("table " + e.getKey() + ": tenants " + first.tenantId() + " and " + other.tenantId()
              + " have different UUID columns (" + first.tenantId() + ": " + uuids + "; " + other.tenantId() + ": "
              + uuidColumns(other) + "): with target.keys: uuid every tenant of a target table needs the same primary"
              + " and foreign keys");
        }
      }
    }
    problems.addAll(partitionProblems(plans));
    return problems;
  }

  private static List<String> partitionProblems(List<TablePlan> plans) {
    Map<String, String> parents = UnitPlanner.partitionParents(plans);
    List<String> problems = new ArrayList<>();
    for (String parent : new TreeSet<>(parents.values())) {
      Map<String, Set<String>> leavesByTenant = new LinkedHashMap<>();
      for (TablePlan plan : plans) {
        if (plan.targetTable().equals(parent)) {
          leavesByTenant.putIfAbsent(plan.tenantId(), new TreeSet<>());
        } else if (parent.equals(plan.partitionOf())) {
          leavesByTenant.computeIfAbsent(plan.tenantId(), t -> new TreeSet<>()).add(plan.targetTable());
        }
      }
      Map.Entry<String, Set<String>> first = leavesByTenant.entrySet().iterator().next();
      for (Map.Entry<String, Set<String>> other : leavesByTenant.entrySet()) {
        if (!other.getValue().equals(first.getValue())) {
          problems.add("table " + parent + ": tenants " + first.getKey() + " and " + other.getKey()
              + " have different partitions (" + first.getKey() + ": " + first.getValue() + "; " + other.getKey() + ": "
              + other.getValue() + "): every tenant of a partitioned table needs the same partitions");
        }
      }
    }
    return problems;
  }

  private static List<String> uuidColumns(TablePlan plan) {
    return plan.uuids().stream().map(UuidColumn::name).toList();
  }

  private static String describe(List<ColumnPlan> columns) {
    if (columns == null) {
      return "";
    }
    return columns.stream().map(c -> c.targetName() + " " + c.type() + (c.collation() == null ? "" : " COLLATE " + c.collation()))
        .collect(Collectors.joining(", "));
  }
}
