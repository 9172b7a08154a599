package io.ferry.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.UuidColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssignmentFactoryUuidTest {

  @Test
  void aCopyAssignmentKeepsThePlansUuidColumns() {
    TablePlan p = Fixtures.keyedPlan("d1", "dbo.students", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"),
        false, 10, 10, List.of(List.of("5")), null);
    List<UuidColumn> uuids = List.of(new UuidColumn("uuid", "dbo.students", List.of("id")),
        new UuidColumn("school_id_uuid", "dbo.schools", List.of("school_id")));
    TablePlan withUuids = new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(), p.split(),
        p.estimatedRows(), p.estimatedBytes(), p.copyFormat(), p.partitionOf(), p.ddl(), false, false, 0, List.of(), uuids);
    // The copy's part of the plan drops what a copy never reads, but the worker computes these columns.
    assertThat(AssignmentFactory.forCopy(withUuids).uuids()).isEqualTo(uuids);
  }
}
