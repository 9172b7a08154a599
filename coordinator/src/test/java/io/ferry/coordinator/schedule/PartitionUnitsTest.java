package io.ferry.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A partitioned table: the parent's prepare creates every leaf, leaves copy, the parent's finish waits for them all. */
class PartitionUnitsTest {

  private static final String PARENT = "public.events";
  private static final String JAN = "public.events_jan";
  private static final String OTHER = "public.events_other";

  private static List<TablePlan> plans(String... tenants) {
    List<List<String>> q = Fixtures.quantiles(100, 10).stream().map(List::of).toList();
    List<TablePlan> plans = new ArrayList<>();
    for (String t : tenants) {
      plans.add(Fixtures.keyedPlan(t, PARENT, SplitMethod.SINGLE_UNIT, List.of(), List.of(), false, 0, 0, List.of(), null));
      plans.add(Fixtures.keyedPlan(t, JAN, SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false, 20_000, 1, q, PARENT));
      plans.add(Fixtures.keyedPlan(t, OTHER, SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false, 100, 1, q, PARENT));
    }
    return plans;
  }

  @Test
  void aParentHasNoCopiesAndALeafNoPrepare() {
    List<WorkUnit> units = UnitPlanner.units("j", plans("a", "b"), new UnitSize(10_000L, 1L << 40));
    assertThat(units).extracting(WorkUnit::id).containsExactly(
        "prepare:public.events", "finish:public.events",
        "copy:a:public.events_jan:0000", "copy:a:public.events_jan:0001",
        "copy:b:public.events_jan:0000", "copy:b:public.events_jan:0001", "finish:public.events_jan",
        "copy:a:public.events_other:0000", "copy:b:public.events_other:0000", "finish:public.events_other");
    assertThat(UnitPlanner.copyUnits(plans("a").get(0), plans("a"), new UnitSize(10_000L, 1L << 40))).isZero();
    assertThat(UnitPlanner.copyUnits(plans("a").get(1), plans("a"), new UnitSize(10_000L, 1L << 40))).isEqualTo(2);
  }

  @Test
  void leafCopiesWaitForTheParentsPrepareAndTheParentsFinishForEveryLeafCopy() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", plans("a"), "a");

    List<Assignment> first = h.claim("w1", 10);
    assertThat(first).extracting(a -> a.unit().id()).containsExactly("prepare:" + PARENT);
    assertThat(first.get(0).statements()).containsExactly("CREATE TABLE " + PARENT + " (id bigint NOT NULL, name text)");
    h.ok(first.get(0).unit(), "w1", 0);

    List<Assignment> copies = h.claim("w1", 10);
    assertThat(copies).extracting(a -> a.unit().id()).containsExactlyInAnyOrder(
        "copy:a:" + JAN + ":0000", "copy:a:" + JAN + ":0001", "copy:a:" + OTHER + ":0000");
    assertThat(copies).allSatisfy(a -> assertThat(a.plan().partitionOf()).isEqualTo(PARENT));

    // The small leaf is copied: its own finish (ANALYZE) may run, the parent's may not.
    Assignment other = copies.stream().filter(a -> a.unit().slice().table().equals(OTHER)).findFirst().orElseThrow();
    h.ok(other.unit(), "w1", 100);
    assertThat(h.unit("j1", "finish:" + OTHER).state()).isEqualTo(UnitState.PENDING);
    assertThat(h.unit("j1", "finish:" + PARENT).state()).isEqualTo(UnitState.BLOCKED);
    List<Assignment> leafFinish = h.claim("w1", 10);
    assertThat(leafFinish).extracting(a -> a.unit().id()).containsExactly("finish:" + OTHER);
    assertThat(leafFinish.get(0).statements()).containsExactly("ANALYZE " + OTHER);
    h.ok(leafFinish.get(0).unit(), "w1", 0);

    copies.stream().filter(a -> a.unit().slice().table().equals(JAN)).forEach(a -> h.ok(a.unit(), "w1", 10_000));
    assertThat(h.unit("j1", "finish:" + PARENT).state()).isEqualTo(UnitState.PENDING);
    h.runAll("w1");
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.board.units("j1")).filteredOn(u -> u.kind() == UnitKind.COPY).extracting((WorkUnit u) -> u.slice().table())
        .doesNotContain(PARENT);
  }
}
