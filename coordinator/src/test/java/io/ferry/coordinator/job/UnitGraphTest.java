package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The order a job's steps run in, as the planner and the unblocker both read it. */
class UnitGraphTest {

  private static final UnitSize SIZE = new UnitSize(10_000L, 1L << 40);

  private static List<TablePlan> twoTenantsWithTypes() {
    List<String> q = Fixtures.quantiles(3, 10_000);
    return List.of(
        Fixtures.withTypes(Fixtures.plan("a", "public.t", 30_000, 1, q, List.of("ALTER TABLE public.t ADD FOREIGN KEY …")),
            List.of("CREATE TYPE mood AS ENUM ('ok')")),
        Fixtures.plan("b", "public.t", 100, 1, List.of()));
  }

  private static WorkUnit unit(List<WorkUnit> units, String id) {
    return units.stream().filter(u -> u.id().equals(id)).findFirst().orElseThrow();
  }

  private static List<WorkUnit> with(List<WorkUnit> units, Predicate<WorkUnit> which, UnitState state) {
    return units.stream().map(u -> which.test(u) ? u.withState(state) : u).toList();
  }

  @Test
  void onlyTheTypePrepareStartsPendingAndEveryTableStepWaitsForIt() {
    List<WorkUnit> units = UnitPlanner.units("j", twoTenantsWithTypes(), SIZE, Mode.CREATE);
    UnitGraph graph = new UnitGraph(units, UnitPlanner.partitionParents(twoTenantsWithTypes()), Mode.CREATE);

    assertThat(units).filteredOn(u -> u.state() == UnitState.PENDING).extracting(WorkUnit::id)
        .containsExactly(UnitPlanner.TYPES_PREPARE_ID);
    assertThat(graph.waitsFor(unit(units, "prepare:public.t"))).extracting(WorkUnit::id)
        .containsExactly(UnitPlanner.TYPES_PREPARE_ID);
    assertThat(graph.waitsFor(unit(units, "copy:b:public.t:0000"))).extracting(WorkUnit::id)
        .containsExactly(UnitPlanner.TYPES_PREPARE_ID, "prepare:public.t");
    assertThat(graph.waitsFor(unit(units, "finish:public.t"))).extracting(WorkUnit::id).contains(
        "copy:a:public.t:0000", "copy:a:public.t:0001", "copy:b:public.t:0000");
    assertThat(graph.waitsFor(unit(units, UnitPlanner.JOB_FINISH_ID))).extracting(WorkUnit::id)
        .containsExactly("finish:public.t");
  }

  @Test
  void aTablesCopiesAreReadyOnlyOnceItsTypesAndItsPrepareAreDone() {
    List<TablePlan> plans = twoTenantsWithTypes();
    List<WorkUnit> prepared = with(UnitPlanner.units("j", plans, SIZE, Mode.CREATE),
        u -> u.kind() == UnitKind.PREPARE && UnitScope.of(u) == UnitScope.TABLE, UnitState.DONE);
    UnitGraph typesPending = new UnitGraph(prepared, UnitPlanner.partitionParents(plans), Mode.CREATE);
    assertThat(typesPending.ready(unit(prepared, "copy:a:public.t:0000"))).isFalse();

    List<WorkUnit> typed = with(prepared, u -> u.id().equals(UnitPlanner.TYPES_PREPARE_ID), UnitState.DONE);
    UnitGraph graph = new UnitGraph(typed, UnitPlanner.partitionParents(plans), Mode.CREATE);
    assertThat(graph.ready(unit(typed, "copy:a:public.t:0000"))).isTrue();
    assertThat(graph.ready(unit(typed, "finish:public.t"))).isFalse();
  }

  @Test
  void theJobFinishWaitsWhileARollbackHasATableCopiedAgainThoughItsFinishIsDone() {
    List<TablePlan> plans = twoTenantsWithTypes();
    List<WorkUnit> done = with(UnitPlanner.units("j", plans, SIZE, Mode.CREATE), u -> true, UnitState.DONE);
    assertThat(new UnitGraph(done, UnitPlanner.partitionParents(plans), Mode.CREATE).ready(unit(done, UnitPlanner.JOB_FINISH_ID))).isTrue();

    List<WorkUnit> rolledBack = with(done, u -> u.id().equals("copy:b:public.t:0000"), UnitState.BLOCKED);
    UnitGraph graph = new UnitGraph(rolledBack, UnitPlanner.partitionParents(plans), Mode.CREATE);

    assertThat(unit(rolledBack, "finish:public.t").state()).isEqualTo(UnitState.DONE);
    assertThat(graph.ready(unit(rolledBack, UnitPlanner.JOB_FINISH_ID))).isFalse();
    assertThat(graph.ready(unit(rolledBack, "copy:b:public.t:0000"))).isTrue();
  }

  @Test
  void aLeafsCopiesWaitForItsParentsPrepareAndTheParentsFinishForTheLeafsCopies() {
    List<List<String>> q = Fixtures.quantiles(3, 10).stream().map(List::of).toList();
    List<TablePlan> plans = List.of(
        Fixtures.keyedPlan("a", "public.events", SplitMethod.SINGLE_UNIT, List.of(), List.of(), false, 0, 0, List.of(), null),
        Fixtures.keyedPlan("a", "public.events_jan", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false, 100, 1, q,
            "public.events"));
    List<WorkUnit> units = UnitPlanner.units("j", plans, SIZE, Mode.CREATE);
    UnitGraph graph = new UnitGraph(units, UnitPlanner.partitionParents(plans), Mode.CREATE);

    assertThat(graph.waitsFor(unit(units, "copy:a:public.events_jan:0000"))).extracting(WorkUnit::id)
        .containsExactly("prepare:public.events");
    assertThat(graph.waitsFor(unit(units, "finish:public.events"))).extracting(WorkUnit::id)
        .containsExactly("prepare:public.events", "copy:a:public.events_jan:0000");
  }

  private static List<TablePlan> parentAndChild() {
    return List.of(
        Fixtures.plan("a", "public.parent", 100, 1, List.of()),
        Fixtures.plan("a", "public.child", 30_000, 1, Fixtures.quantiles(3, 10_000), List.of("ALTER TABLE public.child ADD FOREIGN KEY …")));
  }

  @Test
  void inTheModesThatKeepTablesACopyWaitsForEveryTablesPrepareSinceAnyMayDropAKeyOfItsTable() {
    List<TablePlan> plans = parentAndChild();
    for (Mode mode : List.of(Mode.TRUNCATE, Mode.APPEND, Mode.UPSERT, Mode.PRESERVE_SCHEMA)) {
      List<WorkUnit> units = UnitPlanner.units("j", plans, SIZE, mode);
      assertThat(units).as(mode.toString()).filteredOn(u -> u.state() == UnitState.PENDING).extracting(WorkUnit::id)
          .containsExactly("prepare:public.parent", "prepare:public.child");
      UnitGraph graph = new UnitGraph(units, UnitPlanner.partitionParents(plans), mode);
      assertThat(graph.waitsFor(unit(units, "copy:a:public.child:0001"))).as(mode.toString()).extracting(WorkUnit::id)
          .containsExactlyInAnyOrder("prepare:public.child", "prepare:public.parent");

      // The child's own prepare is done, the parent's (which drops the child's key to it) is not.
      List<WorkUnit> childPrepared = with(units, u -> u.id().equals("prepare:public.child"), UnitState.DONE);
      UnitGraph waiting = new UnitGraph(childPrepared, UnitPlanner.partitionParents(plans), mode);
      assertThat(childPrepared).filteredOn(u -> u.kind() == UnitKind.COPY).as(mode.toString())
          .noneMatch(waiting::ready);

      List<WorkUnit> prepared = with(childPrepared, u -> u.id().equals("prepare:public.parent"), UnitState.DONE);
      UnitGraph graphPrepared = new UnitGraph(prepared, UnitPlanner.partitionParents(plans), mode);
      assertThat(prepared).filteredOn(u -> u.kind() == UnitKind.COPY).as(mode.toString()).hasSize(3)
          .allMatch(graphPrepared::ready);
    }
  }

  @Test
  void inTheModesThatCreateTablesACopyWaitsOnlyForItsOwnTablesPrepare() {
    List<TablePlan> plans = parentAndChild();
    for (Mode mode : List.of(Mode.CREATE, Mode.DROP_RECREATE)) {
      List<WorkUnit> childPrepared = with(UnitPlanner.units("j", plans, SIZE, mode),
          u -> u.id().equals("prepare:public.child"), UnitState.DONE);
      UnitGraph graph = new UnitGraph(childPrepared, UnitPlanner.partitionParents(plans), mode);
      assertThat(graph.waitsFor(unit(childPrepared, "copy:a:public.child:0000"))).extracting(WorkUnit::id)
          .containsExactly("prepare:public.child");
      assertThat(graph.ready(unit(childPrepared, "copy:a:public.child:0000"))).as(mode.toString()).isTrue();
    }
  }

  @Test
  void rollbackAndRestoreUnitsAreNoStepsOfTheJob() {
    WorkUnit rollback = WorkUnit.create("rollback:1", "j", UnitKind.ROLLBACK, new Slice("a", "public.t", null, null, 0, 0), UnitState.PENDING);
    WorkUnit restore = WorkUnit.create("restore:1", "j", UnitKind.RESTORE, Slice.JOB, UnitState.PENDING);
    List<WorkUnit> units = new java.util.ArrayList<>(UnitPlanner.units("j", twoTenantsWithTypes(), SIZE, Mode.CREATE));
    units.add(rollback);
    units.add(restore);
    UnitGraph graph = new UnitGraph(units, java.util.Map.of(), Mode.CREATE);

    assertThat(graph.steps()).doesNotContain(rollback, restore);
    assertThat(graph.waitsFor(rollback)).isEmpty();
    assertThat(graph.waitsFor(unit(units, UnitPlanner.JOB_FINISH_ID))).doesNotContain(rollback, restore);
    assertThat(UnitScope.of(restore)).isEqualTo(UnitScope.JOB);
    assertThat(UnitScope.of(unit(units, "prepare:public.t"))).isEqualTo(UnitScope.TABLE);
  }
}
