package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.UuidColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tenants of one target table under {@code target.keys: uuid} must give it the same UUID columns. */
class PlanChecksUuidTest {

  private static TablePlan plan(String tenant, String... uuidColumns) {
    TablePlan p = Fixtures.keyedPlan(tenant, "dbo.students", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"),
        false, 10, 10, List.of(), null);
    List<UuidColumn> uuids = java.util.Arrays.stream(uuidColumns).map(c -> new UuidColumn(c, "dbo.x", List.of("id"))).toList();
    return new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(), p.split(), p.estimatedRows(),
        p.estimatedBytes(), p.copyFormat(), p.partitionOf(), p.ddl(), false, false, 0, List.of(), uuids);
  }

  @Test
  void tenantsWithDifferentForeignKeysAreAProblem() {
    assertThat(PlanChecks.problems(List.of(plan("a", "uuid", "school_id_uuid"), plan("b", "uuid", "school_id_uuid"))))
        .isEmpty();
    assertThat(PlanChecks.problems(List.of(plan("a", "uuid", "school_id_uuid"), plan("b", "uuid")))).singleElement()
        .asString().isEqualTo("table dbo.students: tenants a and b have different UUID columns (a: [uuid, school_id_uuid];"
            + " b: [uuid]): with target.keys: uuid every tenant of a target table needs the same primary and foreign keys");
  }
}
