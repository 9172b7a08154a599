package io.ferry.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.UnitState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In a mode that keeps existing tables, a parent's prepare drops the child's foreign key to it: the
 * child's copies are handed out only once every table's prepare is done, whichever finished first.
 */
class KeptTablesOrderTest {

  private static final String PARENT = "public.parent";
  private static final String CHILD = "public.child";

  private static List<TablePlan> plans() {
    return List.of(Fixtures.plan("a", PARENT, 100, 1, List.of()), Fixtures.plan("a", CHILD, 100, 1, List.of()));
  }

  @Test
  void aChildsCopyIsNotHandedOutWhileItsParentsPrepareRuns() {
    for (Mode mode : List.of(Mode.TRUNCATE, Mode.APPEND, Mode.UPSERT, Mode.PRESERVE_SCHEMA)) {
      SchedulerHarness h = new SchedulerHarness();
      String job = "j-" + mode.wireName().replace('_', '-');
      h.addJob(job, plans(), mode, "a");

      List<Assignment> prepares = h.claim("w1", 10);
      assertThat(prepares).extracting(a -> a.unit().id()).containsExactlyInAnyOrder("prepare:" + PARENT, "prepare:" + CHILD);
      h.ok(h.unit(job, "prepare:" + CHILD), "w1", 0);

      assertThat(h.claim("w1", 10)).as(mode + ": the parent's prepare still runs").isEmpty();
      assertThat(h.unit(job, "copy:a:" + CHILD + ":0000").state()).isEqualTo(UnitState.BLOCKED);

      h.ok(h.unit(job, "prepare:" + PARENT), "w1", 0);
      assertThat(h.claim("w1", 10)).as(mode.toString()).extracting(a -> a.unit().id())
          .containsExactlyInAnyOrder("copy:a:" + PARENT + ":0000", "copy:a:" + CHILD + ":0000");
    }
  }

  @Test
  void inModeCreateAChildsCopyStartsOnceItsOwnPrepareIsDone() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j", plans(), Mode.CREATE, "a");
    h.claim("w1", 10);
    h.ok(h.unit("j", "prepare:" + CHILD), "w1", 0);
    assertThat(h.claim("w1", 10)).extracting(a -> a.unit().id()).containsExactly("copy:a:" + CHILD + ":0000");
  }
}
