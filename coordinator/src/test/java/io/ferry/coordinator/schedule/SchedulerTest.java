package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static io.ferry.coordinator.Fixtures.withTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  @Test
  void onlyPrepareUnitsAreReadyAtFirstAndTheyCarryTheirDdl() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.orders", 50_000, 1_000, quantiles(100, 100)),
        plan("b", "public.orders", 50_000, 1_000, quantiles(100, 100))), "a", "b");

    List<Assignment> claimed = h.claim("w1", 10);

    assertThat(claimed).singleElement().satisfies(a -> {
      assertThat(a.unit().id()).isEqualTo("prepare:public.orders");
      assertThat(a.unit().state()).isEqualTo(UnitState.LEASED);
      assertThat(a.unit().lease().epoch()).isEqualTo(1);
      assertThat(a.unit().lease().attempts()).isEqualTo(1);
      assertThat(a.unit().lease().expiresAt()).isEqualTo(h.now + SchedulerHarness.LEASE);
      assertThat(a.statements()).containsExactly("CREATE TABLE public.orders (id bigint NOT NULL, name text)");
      assertThat(a.target().password()).as("literal target password from memory").isEqualTo("target-literal-pw");
      assertThat(a.tenantColumn()).isEqualTo("tenant_id");
      assertThat(a.chunkRows()).isEqualTo(50_000);
      assertThat(a.chunkBytes()).isEqualTo(32L * 1024 * 1024);
      assertThat(a.mode()).isEqualTo(io.ferry.protocol.spec.Mode.CREATE);
    });
    assertThat(h.sink.units).extracting(WorkUnit::id).containsExactly("prepare:public.orders");
    assertThat(h.claim("w2", 10)).isEmpty();
  }

  @Test
  void copyAssignmentsCarryTheColumnsAndKeyButNotTheQuantilesOrDdl() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.orders", 50_000, 1_000, quantiles(100, 100))), "a");
    Assignment prepare = h.claim("w1", 10).get(0);
    assertThat(prepare.plan().split().quantiles()).as("the prepare unit keeps its plan whole").isNotEmpty();
    h.ok(prepare.unit(), "w1", 0);

    Assignment copy = h.claim("w1", 1).get(0);

    assertThat(copy.unit().kind()).isEqualTo(UnitKind.COPY);
    assertThat(copy.plan().columns()).isEqualTo(prepare.plan().columns());
    assertThat(copy.plan().split().key()).isEqualTo(prepare.plan().split().key());
    assertThat(copy.plan().split().types()).isEqualTo(prepare.plan().split().types());
    assertThat(copy.plan().split().method()).isEqualTo(prepare.plan().split().method());
    assertThat(copy.plan().sourceTable()).isEqualTo(prepare.plan().sourceTable());
    assertThat(copy.plan().copyFormatOrBinary()).isEqualTo(prepare.plan().copyFormatOrBinary());
    assertThat(copy.plan().split().quantiles()).isEmpty();
    assertThat(copy.plan().ddl().prepare()).isEmpty();
    assertThat(copy.plan().ddl().finish()).isEmpty();
    assertThat(h.board.job("j1").plans().get(0).split().quantiles()).as("the job's own plan is untouched").isNotEmpty();
  }

  @Test
  void userDefinedTypesAreCreatedOnceByAJobLevelPrepareThatEveryTablePrepareWaitsFor() {
    SchedulerHarness h = new SchedulerHarness();
    String mood = "CREATE TYPE app.mood …";
    String address = "CREATE TYPE app.address …";
    h.addJob("j1", List.of(
        withTypes(plan("a", "public.people", 10, 10, List.of()), List.of(mood, address)),
        withTypes(plan("b", "public.people", 10, 10, List.of()), List.of(mood, address)),
        withTypes(plan("a", "public.visits", 10, 10, List.of()), List.of(mood)),
        plan("a", "public.plain", 10, 10, List.of())), "a", "b");
    assertThat(h.unit("j1", "prepare:public.people").state()).isEqualTo(UnitState.BLOCKED);
    assertThat(h.unit("j1", "prepare:public.plain").state()).isEqualTo(UnitState.BLOCKED);

    List<Assignment> first = h.claim("w1", 10);
    assertThat(first).singleElement().satisfies(a -> {
      assertThat(a.unit().id()).isEqualTo("prepare:*types");
      assertThat(a.unit().slice().table()).isNull();
      assertThat(a.statements()).containsExactly(mood, address);
    });
    h.ok(first.get(0).unit(), "w1", 0);

    List<Assignment> tables = h.claim("w1", 10);
    assertThat(tables).extracting(a -> a.unit().id())
        .containsExactlyInAnyOrder("prepare:public.people", "prepare:public.visits", "prepare:public.plain");
    assertThat(h.board.job("j1").phase()).isEqualTo(io.ferry.coordinator.job.JobPhase.PREPARE);
    tables.forEach(a -> h.ok(a.unit(), "w1", 0));
    h.runAll("w1");
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void withoutUserDefinedTypesThereIsNoTypePrepare() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.plain", 10, 10, List.of())), "a");
    assertThat(h.board.units("j1")).extracting(WorkUnit::id).doesNotContain("prepare:*types");
  }

  @Test
  void prepareAndFinishUnitsComeBeforeCopies() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.small", 10, 10, List.of()), plan("a", "public.big", 50_000, 1_000, quantiles(100, 100))), "a");
    for (Assignment a : h.claim("w1", 2)) {
      h.ok(a.unit(), "w1", 0);
    }
    // small's copy and big's 5 copies are pending; finishing small's copy makes its finish pending.
    Assignment smallCopy = h.claim("w1", 10).stream().filter(a -> a.unit().slice().table().equals("public.small")).findFirst().orElseThrow();
    h.ok(smallCopy.unit(), "w1", 10);
    List<Assignment> next = h.claim("w2", 1);
    assertThat(next).singleElement().satisfies(a -> assertThat(a.unit().id()).isEqualTo("finish:public.small"));
  }

  @Test
  void copiesAreFairAcrossTenantsAndLargestFirst() {
    SchedulerHarness h = new SchedulerHarness();
    // Tenant a: 10 units of 10 000 rows; tenant b: 2 units; tenant c: a single small unit.
    h.addJob("j1", List.of(
        plan("a", "public.t", 100_000, 100_000, quantiles(100, 10)),
        plan("b", "public.t", 20_000, 500_000, quantiles(100, 10)),
        plan("c", "public.t", 10, 10, List.of())), "a", "b", "c");
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);

    List<Assignment> first = h.claim("w1", 3);
    assertThat(first).extracting(a -> a.unit().slice().tenantId()).containsExactlyInAnyOrder("a", "b", "c");

    List<Assignment> more = h.claim("w1", 4);
    // a and b have one unit in flight each (c has none left): they alternate until b runs out.
    assertThat(more).extracting(a -> a.unit().slice().tenantId()).containsExactly("a", "b", "a", "a");
    List<Assignment> rest = h.claim("w1", 100);
    assertThat(rest).extracting(a -> a.unit().slice().tenantId()).containsOnly("a");
  }

  @Test
  void largestUnitsOfATenantAreClaimedFirst() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.small", 20_000, 100, quantiles(100, 10)),
        plan("a", "public.big", 20_000, 900_000, quantiles(100, 10))), "a");
    h.claim("w1", 2).forEach(a -> h.ok(a.unit(), "w1", 0));

    List<Assignment> claimed = h.claim("w1", 4);

    assertThat(claimed).extracting(a -> a.unit().slice().table())
        .containsExactly("public.big", "public.big", "public.small", "public.small");
  }

  @Test
  void noUnitsAreHandedOutForAJobThatIsNotRunning() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.t", 10, 10, List.of())), "a");
    h.board.save(h.board.job("j1").withState(JobState.FAILED, h.now, "boom"));
    assertThat(h.claim("w1", 10)).isEmpty();
  }

  @Test
  void aFinishedJobSucceedsWithForeignKeysLast() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 10, quantiles(100, 10), List.of("ALTER TABLE public.t ADD FOREIGN KEY …")),
        plan("b", "public.t", 10, 10, List.of(), List.of("ALTER TABLE public.t ADD FOREIGN KEY …"))), "a", "b");

    h.runAll("w1");

    assertThat(h.board.units("j1")).allSatisfy(u -> assertThat(u.state()).isEqualTo(UnitState.DONE));
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.board.job("j1").finishedAt()).isEqualTo(h.now);
    List<WorkUnit> lastWrites = h.sink.units.stream().filter(u -> u.state() == UnitState.LEASED).toList();
    WorkUnit lastClaim = lastWrites.get(lastWrites.size() - 1);
    assertThat(lastClaim.id()).isEqualTo("finish:*");
    assertThat(lastClaim.kind()).isEqualTo(UnitKind.FINISH);
    assertThat(AssignmentFactory.foreignKeys(h.board.job("j1"))).containsExactly("ALTER TABLE public.t ADD FOREIGN KEY …");
  }
}
