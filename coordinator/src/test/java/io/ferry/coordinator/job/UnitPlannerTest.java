package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job-level finish exists wherever the job may drop a foreign key, because it is what restores it. */
class UnitPlannerTest {

  private static final UnitSize SIZE = new UnitSize(10_000L, 1L << 40);

  private static List<TablePlan> withoutForeignKeys() {
    return List.of(Fixtures.plan("a", "public.t", 100, 1, List.of()));
  }

  @Test
  void modesThatKeepExistingTablesAlwaysGetTheJobLevelFinish() {
    for (Mode mode : List.of(Mode.TRUNCATE, Mode.APPEND, Mode.UPSERT, Mode.PRESERVE_SCHEMA)) {
      assertThat(UnitPlanner.units("j", withoutForeignKeys(), SIZE, mode))
          .as("mode %s: prepare or a rollback may drop the tables' own foreign keys", mode)
          .filteredOn(u -> u.id().equals(UnitPlanner.JOB_FINISH_ID)).singleElement()
          .extracting(WorkUnit::state).isEqualTo(UnitState.BLOCKED);
    }
  }

  @Test
  void modesThatCreateTheirTablesGetItOnlyForThePlansForeignKeys() {
    for (Mode mode : List.of(Mode.CREATE, Mode.DROP_RECREATE)) {
      assertThat(UnitPlanner.units("j", withoutForeignKeys(), SIZE, mode)).extracting(WorkUnit::id)
          .doesNotContain(UnitPlanner.JOB_FINISH_ID);
      assertThat(UnitPlanner.units("j", List.of(Fixtures.plan("a", "public.t", 100, 1, List.of(), List.of("ALTER TABLE …"))),
          SIZE, mode)).extracting(WorkUnit::id).contains(UnitPlanner.JOB_FINISH_ID);
    }
  }
}
