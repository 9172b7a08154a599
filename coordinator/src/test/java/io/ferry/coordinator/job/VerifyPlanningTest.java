package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Verify units: one per copied range (or a sample), after every other step; and the verdict they add up to. */
class VerifyPlanningTest {

  private static final UnitSize SIZE = new UnitSize(10_000L, 1L << 40);

  /** Tenant a: 25 ranges of public.big and 1 of public.small; tenant b: 1 range of each. */
  private static List<TablePlan> plans() {
    return List.of(Fixtures.plan("a", "public.big", 250_000, 1, Fixtures.quantiles(100, 2_500)),
        Fixtures.plan("b", "public.big", 10, 1, List.of()),
        Fixtures.plan("a", "public.small", 10, 1, List.of(), List.of("ALTER TABLE public.small ADD FOREIGN KEY …")),
        Fixtures.plan("b", "public.small", 10, 1, List.of()));
  }

  private static List<WorkUnit> of(List<WorkUnit> units, UnitKind kind) {
    return units.stream().filter(u -> u.kind() == kind).toList();
  }

  /** The verify units of key ranges: every one but the job-level unit. */
  private static List<WorkUnit> ranges(List<WorkUnit> units) {
    return of(units, UnitKind.VERIFY).stream().filter(u -> UnitScope.of(u) == UnitScope.TABLE).toList();
  }

  @Test
  void fullGivesEveryCopyUnitAVerifyUnitOfTheSameSliceBlockedUntilEveryOtherStepIsDone() {
    List<WorkUnit> units = UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.FULL);
    List<WorkUnit> copies = of(units, UnitKind.COPY);
    List<WorkUnit> verifies = ranges(units);
    assertThat(copies).hasSize(28);
    assertThat(verifies).hasSize(28).allSatisfy(v -> assertThat(v.state()).isEqualTo(UnitState.BLOCKED));
    for (WorkUnit c : copies) {
      WorkUnit v = verifies.stream().filter(u -> UnitPlanner.covers(u, c)).findFirst().orElseThrow();
      assertThat(v.slice()).isEqualTo(c.slice());
      assertThat(v.id()).isEqualTo("verify:" + c.id().substring("copy:".length()));
    }
    assertThat(verifies.get(0).id()).isEqualTo("verify:a:public.big:0000");

    // Every unit but the verify units done, one by one: only the last makes them ready.
    List<WorkUnit> state = new ArrayList<>(units);
    List<WorkUnit> steps = units.stream().filter(u -> u.kind() != UnitKind.VERIFY).toList();
    for (int i = 0; i < steps.size(); i++) {
      state.set(state.indexOf(steps.get(i)), steps.get(i).withState(UnitState.DONE));
      UnitGraph graph = new UnitGraph(state, Map.of(), Mode.CREATE);
      boolean last = i == steps.size() - 1;
      assertThat(graph.ready(verifies.get(0))).as("after %d of %d steps", i + 1, steps.size()).isEqualTo(last);
    }
    assertThat(UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.NONE)).noneMatch(u -> u.kind() == UnitKind.VERIFY);
  }

  @Test
  void aTableWhoseRangesAreNotPortableIsVerifiedWholeOncePerTenant() {
    List<TablePlan> plans = List.of(Fixtures.withCollatedKey(Fixtures.plan("a", "public.big", 250_000, 1, Fixtures.quantiles(100, 2_500))),
        Fixtures.plan("b", "public.big", 10, 1, List.of()));
    for (Verify verify : List.of(Verify.FULL, Verify.SAMPLE)) {
      List<WorkUnit> units = UnitPlanner.units("j", plans, SIZE, Mode.CREATE, verify);
      List<WorkUnit> verifies = ranges(units);
      assertThat(verifies).extracting(WorkUnit::id).as(verify.wireName())
          .containsExactly("verify:a:public.big:all", "verify:b:public.big:0000");
      assertThat(verifies.get(0).slice().range()).isEqualTo(KeyRange.ALL);
      assertThat(verifies.get(0).slice().estimatedRows()).isEqualTo(250_000);
      assertThat(of(units, UnitKind.COPY).stream().filter(c -> c.slice().tenantId().equals("a")))
          .hasSize(25).allSatisfy(c -> assertThat(UnitPlanner.covers(verifies.get(0), c)).isTrue());
    }
  }

  @Test
  void aSampleTakesAboutOneRangeInTenAndAtLeastOnePerTenantTableTheSameEveryTime() {
    List<WorkUnit> sample = ranges(UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.SAMPLE));
    Map<String, Long> perTable = sample.stream()
        .collect(Collectors.groupingBy(u -> u.slice().tenantId() + "/" + u.slice().table(), Collectors.counting()));
    assertThat(perTable).containsOnlyKeys("a/public.big", "b/public.big", "a/public.small", "b/public.small");
    assertThat(perTable.get("a/public.big")).as("25 ranges").isBetween(2L, 3L);
    assertThat(perTable.get("b/public.small")).isEqualTo(1);
    assertThat(ranges(UnitPlanner.units("other", plans(), SIZE, Mode.CREATE, Verify.SAMPLE)))
        .extracting(WorkUnit::id).isEqualTo(sample.stream().map(WorkUnit::id).toList());
  }

  @Test
  void modeVerifyPlansVerifyUnitsOnlyReadyAtOnce() {
    List<WorkUnit> units = UnitPlanner.units("j", plans(), SIZE, Mode.VERIFY, Verify.FULL);
    assertThat(units).hasSize(28 + 1).allSatisfy(u -> {
      assertThat(u.kind()).isEqualTo(UnitKind.VERIFY);
      assertThat(u.state()).isEqualTo(UnitState.PENDING);
    });
  }

  @Test
  void everyJobThatVerifiesGetsOneJobLevelVerifyUnitAfterEveryOtherStep() {
    for (Verify verify : List.of(Verify.FULL, Verify.SAMPLE)) {
      List<WorkUnit> units = UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, verify);
      List<WorkUnit> checks = of(units, UnitKind.VERIFY).stream().filter(u -> UnitScope.of(u) == UnitScope.JOB).toList();
      assertThat(checks).as(verify.wireName()).singleElement().satisfies(u -> {
        assertThat(u.id()).isEqualTo(UnitPlanner.JOB_VERIFY_ID);
        assertThat(u.slice()).isEqualTo(io.ferry.protocol.unit.Slice.JOB);
        assertThat(u.state()).isEqualTo(UnitState.BLOCKED);
      });
      List<WorkUnit> state = new ArrayList<>(units);
      state.replaceAll(u -> u.kind() == UnitKind.VERIFY || u.id().equals(UnitPlanner.JOB_FINISH_ID) ? u : u.withState(UnitState.DONE));
      assertThat(new UnitGraph(state, Map.of(), Mode.CREATE).ready(checks.get(0))).as("the foreign keys are not added yet")
          .isFalse();
      state.replaceAll(u -> u.kind() == UnitKind.VERIFY ? u : u.withState(UnitState.DONE));
      assertThat(new UnitGraph(state, Map.of(), Mode.CREATE).ready(checks.get(0))).isTrue();
    }
    assertThat(UnitPlanner.units("j", plans(), SIZE, Mode.VERIFY, Verify.FULL))
        .filteredOn(u -> u.id().equals(UnitPlanner.JOB_VERIFY_ID)).singleElement()
        .satisfies(u -> assertThat(u.state()).as("mode verify: nothing to wait for").isEqualTo(UnitState.PENDING));
  }

  @Test
  void orphanedRowsMakeTheVerdictDifferencesAndTheJobChecksMustHaveRun() {
    List<WorkUnit> units = of(UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.FULL), UnitKind.VERIFY);
    VerifyFindings clean = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
    List<WorkUnit> done = new ArrayList<>(units.stream()
        .map(u -> UnitScope.of(u) == UnitScope.JOB ? u : u.withFindings(clean).withState(UnitState.DONE)).toList());
    Verification waiting = Verification.of(done);
    assertThat(waiting.verdict()).isEqualTo(Verification.Verdict.INCOMPLETE);
    assertThat(waiting.ranges()).as("the job-level unit is no range").isEqualTo(28);
    assertThat(waiting.failure()).isEqualTo("verification is incomplete: the job's checks (rejected rows, foreign-key"
        + " orphans) did not run (see the job's report)");

    WorkUnit checks = Verification.jobChecks(done);
    done.set(done.indexOf(checks), checks.withFindings(VerifyFindings.jobChecks("job checks", List.of(), List.of()))
        .withState(UnitState.DONE));
    assertThat(Verification.of(done).verdict()).isEqualTo(Verification.Verdict.CLEAN);

    VerifyFindings orphans = VerifyFindings.jobChecks("job checks", List.of(), List.of(
        new VerifyFindings.Orphans("a", "public.small", "small_big_fk", "public.big", 3, List.of(List.of("1"), List.of("2"))),
        new VerifyFindings.Orphans("b", "public.small", "small_big_fk", "public.big", 1, List.of(List.of("1")))));
    done.set(done.indexOf(Verification.jobChecks(done)), checks.withFindings(orphans).withState(UnitState.DONE));
    Verification v = Verification.of(done);
    assertThat(v.verdict()).isEqualTo(Verification.Verdict.DIFFERENCES);
    assertThat(v.failure()).isEqualTo("verification found 4 orphaned rows of 1 foreign key (see the job's report)");

    done.set(0, done.get(0).withFindings(new VerifyFindings(10, 9, 1, 1, 1, List.of(
        new Difference(Kind.MISSING, List.of("1"), List.of())), null)));
    assertThat(Verification.of(done).failure())
        .isEqualTo("verification found 1 differing key in 1 table and 4 orphaned rows of 1 foreign key (see the job's report)");
  }

  @Test
  void theVerdictIsCleanOnlyWhenEveryRangeIsAndNamesHowManyKeysDifferInHowManyTables() {
    List<WorkUnit> verifies = of(UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.FULL), UnitKind.VERIFY);
    assertThat(Verification.of(List.of()).verdict()).isEqualTo(Verification.Verdict.NOT_VERIFIED);
    assertThat(Verification.of(verifies).verdict()).isEqualTo(Verification.Verdict.INCOMPLETE);

    VerifyFindings clean = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
    List<WorkUnit> done = new ArrayList<>(verifies.stream().map(u -> u.withFindings(clean).withState(UnitState.DONE)).toList());
    assertThat(Verification.of(done).verdict()).isEqualTo(Verification.Verdict.CLEAN);
    assertThat(Verification.of(done).failure()).isNull();

    done.set(0, done.get(0).withFindings(new VerifyFindings(10, 9, 5, 2, 3, List.of(
        new Difference(Kind.MISSING, List.of("1"), List.of())), null)));
    done.set(1, done.get(1).withFindings(new VerifyFindings(10, 10, 1, 0, 0, List.of(), null)));
    done.set(27, done.get(27).withFindings(new VerifyFindings(10, 11, 1, 1, 0, List.of(), null)));
    Verification v = Verification.of(done);
    assertThat(v.verdict()).isEqualTo(Verification.Verdict.DIFFERENCES);
    assertThat(v.failure()).isEqualTo("verification found 3 differing keys in 2 tables (see the job's report)");
  }

  @Test
  void rowsTheTargetRejectedAreMissingByDesignAndNothingElseIs() {
    List<WorkUnit> units = new ArrayList<>(UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.FULL));
    WorkUnit copy = of(units, UnitKind.COPY).get(0);
    units.set(units.indexOf(copy), copy.withProgress(98, 0, 2).withState(UnitState.DONE));
    WorkUnit verify = of(units, UnitKind.VERIFY).stream().filter(v -> UnitPlanner.covers(v, copy)).findFirst().orElseThrow();
    List<Difference> twoMissing = List.of(new Difference(Kind.MISSING, List.of("1"), List.of()),
        new Difference(Kind.MISSING, List.of("2"), List.of()));
    VerifyFindings clean = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
    units.replaceAll(u -> u.kind() == UnitKind.VERIFY ? u.withFindings(clean).withState(UnitState.DONE) : u);

    units.set(units.indexOf(units.stream().filter(u -> u.id().equals(verify.id())).findFirst().orElseThrow()),
        verify.withFindings(new VerifyFindings(100, 98, 3, 2, 2, twoMissing, null)).withState(UnitState.DONE));
    assertThat(Verification.of(units).verdict()).as("the two rejected rows").isEqualTo(Verification.Verdict.CLEAN);

    units.replaceAll(u -> u.id().equals(verify.id()) ? u.withFindings(new VerifyFindings(100, 97, 3, 2, 3,
        List.of(twoMissing.get(0), twoMissing.get(1), new Difference(Kind.MISSING, List.of("3"), List.of())), null)) : u);
    assertThat(Verification.of(units).verdict()).as("one more than rejected").isEqualTo(Verification.Verdict.DIFFERENCES);

    units.replaceAll(u -> u.id().equals(verify.id()) ? u.withFindings(new VerifyFindings(100, 98, 3, 2, 2,
        List.of(twoMissing.get(0), new Difference(Kind.DIFFERENT, List.of("3"), List.of("name"))), null)) : u);
    assertThat(Verification.of(units).verdict()).as("as many, but not all missing").isEqualTo(Verification.Verdict.DIFFERENCES);
  }

  @Test
  void aUnitKeepsAtMostAHundredDifferences() {
    List<Difference> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add(new Difference(Kind.EXTRA, List.of(Integer.toString(i)), List.of()));
    }
    WorkUnit v = of(UnitPlanner.units("j", plans(), SIZE, Mode.CREATE, Verify.FULL), UnitKind.VERIFY).get(0)
        .withFindings(new VerifyFindings(0, 150, 1, 1, 150, many, null));
    assertThat(v.progress().findings().differences()).hasSize(VerifyFindings.MAX_LISTED);
    assertThat(v.progress().findings().differenceCount()).isEqualTo(150);
  }
}
