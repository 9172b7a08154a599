package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanChecksTest {

  private static TablePlan parent(String tenant) {
    return Fixtures.keyedPlan(tenant, "public.events", SplitMethod.SINGLE_UNIT, List.of(), List.of(), false, 0, 0, List.of(), null);
  }

  private static TablePlan leaf(String tenant, String table) {
    return Fixtures.keyedPlan(tenant, table, SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false, 10, 10,
        List.of(), "public.events");
  }

  @Test
  void tenantsOfAPartitionedTableMustHaveTheSamePartitions() {
    List<TablePlan> same = List.of(parent("a"), leaf("a", "public.events_1"), leaf("a", "public.events_2"),
        parent("b"), leaf("b", "public.events_2"), leaf("b", "public.events_1"));
    assertThat(PlanChecks.problems(same)).isEmpty();

    List<TablePlan> different = List.of(parent("a"), leaf("a", "public.events_1"), leaf("a", "public.events_2"),
        parent("b"), leaf("b", "public.events_1"), parent("c"));
    assertThat(PlanChecks.problems(different)).containsExactly(
        "table public.events: tenants a and b have different partitions (a: [public.events_1, public.events_2]; b: "
            + "[public.events_1]): every tenant of a partitioned table needs the same partitions",
        "table public.events: tenants a and c have different partitions (a: [public.events_1, public.events_2]; c: []):"
            + " every tenant of a partitioned table needs the same partitions");
  }

  @Test
  void tenantsOfATableMustHaveTheSameCollations() {
    TablePlan a = withColumns(leaf("a", "public.t"), List.of(new ColumnPlan("id", "bigint", false, null, null),
        new ColumnPlan("name", "text", true, null, "\"pg_catalog\".\"C\"")));
    TablePlan b = withColumns(leaf("b", "public.t"), List.of(new ColumnPlan("id", "bigint", false, null, null),
        new ColumnPlan("name", "text", true, null, null)));
    assertThat(PlanChecks.problems(List.of(a, withColumns(leaf("b", "public.t"), a.columns())))).isEmpty();
    assertThat(PlanChecks.problems(List.of(a, b))).containsExactly("table public.t: tenants a and b have different columns"
        + " (a: id bigint, name text COLLATE \"pg_catalog\".\"C\"; b: id bigint, name text): every tenant of a target table"
        + " needs the same columns, types and collations");
  }

  private static TablePlan withColumns(TablePlan p, List<ColumnPlan> columns) {
    return new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), columns,
        p.split(),
        p.estimatedRows(), p.estimatedBytes(), p.copyFormat(), null,
        new TargetDdl(p.ddl().types(), p.ddl().prepare(), p.ddl().finish(), p.ddl().foreignKeys()),
        p.targetExists(), p.targetHasRows(), p.readBytesPerSecond(), p.warnings());
  }
}
