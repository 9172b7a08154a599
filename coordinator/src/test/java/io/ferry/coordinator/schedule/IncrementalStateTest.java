package io.ferry.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitScope;
import io.ferry.coordinator.job.Verification;
import io.ferry.coordinator.progress.JobReport;
import io.ferry.coordinator.progress.TenantGrid;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The board's incremental state against a full recount, through whole jobs run in a random order: after
 * every report, the {@link Unblocker}'s settling of what the unit can unblock leaves the job as settling
 * the whole job from its units would (no unit left blocked that is ready, the same phase and state), the
 * {@link JobTally} and its {@link TenantTable}s say what a count over the job's units says (and so the dashboard's
 * grid and the report read the same as from units counted afresh), and the units listed by kind and state, a
 * page at a time, are those a filter over the job's units gives, in the same order.
 */
class IncrementalStateTest {

  private static final VerifyFindings CLEAN = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
  private static final VerifyFindings ONE_MISSING = new VerifyFindings(10, 9, 1, 1, 1,
      List.of(new VerifyFindings.Difference(VerifyFindings.Kind.MISSING, List.of("5"), List.of())), null);

  private final SchedulerHarness h = new SchedulerHarness();
  private final JobControl control = new JobControl(h.board, h.unblocker, h.secrets);

  @ParameterizedTest(name = "mode {0}, verify {1}, seed {2}")
  @CsvSource({"CREATE, NONE, 1", "CREATE, FULL, 2", "TRUNCATE, NONE, 3", "TRUNCATE, FULL, 4", "CREATE, FULL, 5",
      "APPEND, SAMPLE, 6"})
  void settlingWhatAUnitUnblocksAndTheTallyMatchAFullRecountThroughAWholeJob(Mode mode, Verify verify, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    h.addJob("j", plans(), mode, verify, "t1", "t2");
    int reports = 0;
    int goneOn = 0;
    for (int round = 0; round < 10_000; round++) {
      if (h.board.job("j").state().isFinal()) {
        if (goneOn++ == 2 || !goOn()) {
          break;
        }
        assertMatchesRecount("after the job went on " + goneOn + " time(s)");
      }
      List<Assignment> claimed = new ArrayList<>(h.claim("w" + random.nextInt(3), 1 + random.nextInt(6)));
      // Results come back in any order, some after a retryable failure or a committed chunk with a rejected row.
      for (int i = claimed.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        Assignment swap = claimed.get(i);
        claimed.set(i, claimed.get(j));
        claimed.set(j, swap);
      }
      for (Assignment a : claimed) {
        report(a.unit(), random);
        reports++;
        assertMatchesRecount("after report " + reports + " (" + a.unit().id() + ")");
      }
      h.now += 60_000; // past every retry's backoff
    }
    assertThat(h.board.job("j").state().isFinal()).as("the job ended: %s %s %s %s", h.board.job("j").state(), h.board.job("j").phase(), h.board.counts("j"), h.board.job("j").error()).isTrue();
    assertThat(reports).isGreaterThan(20);
    assertThat(goneOn).as("the job went on after it ended").isGreaterThan(1);
  }

  /**
   * A job that ended goes on as an operator takes it on: a failed one repaired (or retried), a succeeded one verified
   * again, so that done units (verify units with their findings among them) change again too.
   */
  private boolean goOn() {
    JobRecord job = h.board.job("j");
    if (job.state() == JobState.FAILED) {
      return control.repair(job, h.now).problems().isEmpty() || control.retry(job, h.now).refusal() == null;
    }
    return job.state() == JobState.SUCCEEDED && control.verify(job, h.now).refusal() == null;
  }

  private void report(WorkUnit u, SplittableRandom random) {
    String worker = u.lease().workerId();
    int roll = random.nextInt(10);
    if (roll == 0) {
      h.fail(u, worker, "connection reset", true);
      return;
    }
    if (u.kind() == UnitKind.VERIFY) {
      VerifyFindings findings = UnitScope.of(u) == UnitScope.JOB
          ? VerifyFindings.jobChecks("checks", List.of(), List.of())
          : roll == 1 ? ONE_MISSING : CLEAN;
      h.reports.result(new UnitResult(u.jobId(), u.id(), u.lease().epoch(), worker, true, 10, 0, null, false, 0, findings), h.now);
      return;
    }
    long rejected = u.kind() == UnitKind.COPY && roll == 2 ? 1 : 0;
    if (u.kind() == UnitKind.COPY && roll <= 4) {
      h.reports.progress(new UnitProgress(u.jobId(), u.id(), u.lease().epoch(), worker, 5, 50, rejected), h.now);
    }
    h.reports.result(new UnitResult(u.jobId(), u.id(), u.lease().epoch(), worker, true, 10, 100, null, false, rejected), h.now);
  }

  /**
   * Two tenants: tables a and b (b's key references a: the job-level finish), and a table partitioned into
   * two leaves, so that prepares, copies, table finishes, a partition parent's finish, the job's finish and
   * the verify units all come in.
   */
  private static List<TablePlan> plans() {
    List<TablePlan> plans = new ArrayList<>();
    for (String tenant : List.of("t1", "t2")) {
      plans.add(Fixtures.plan(tenant, "public.a", 30_000, 1000, Fixtures.quantiles(100, 10)));
      plans.add(Fixtures.plan(tenant, "public.b", 20_000, 1000, Fixtures.quantiles(100, 10),
          List.of("ALTER TABLE public.b ADD FOREIGN KEY (id) REFERENCES public.a (id)")));
      List<List<String>> q = Fixtures.quantiles(100, 10).stream().map(List::of).toList();
      plans.add(Fixtures.keyedPlan(tenant, "public.p", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false, 0, 0,
          List.of(), null));
      plans.add(Fixtures.keyedPlan(tenant, "public.p_1", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false,
          20_000, 1000, q, "public.p"));
      plans.add(Fixtures.keyedPlan(tenant, "public.p_2", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false,
          10_000, 1000, q, "public.p"));
    }
    return plans;
  }

  private void assertMatchesRecount(String when) {
    JobRecord job = h.board.job("j");
    List<WorkUnit> units = List.copyOf(h.board.units("j"));
    // The same units and job on a board of their own, settled as a whole.
    JobBoard fresh = new JobBoard(new RecordingSink());
    fresh.add(job, units);
    new Unblocker(fresh).settle("j", h.now);
    assertThat(states(h.board.units("j"))).as(when + ": unit states").isEqualTo(states(fresh.units("j")));
    assertThat(h.board.job("j").phase()).as(when + ": phase").isEqualTo(fresh.job("j").phase());
    assertThat(h.board.job("j").state()).as(when + ": state").isEqualTo(fresh.job("j").state());
    assertThat(h.board.job("j").error()).as(when + ": error").isEqualTo(fresh.job("j").error());

    JobTally tally = h.board.tally("j");
    assertThat(tally.counts()).as(when + ": counts").isEqualTo(countByState(units));
    for (UnitKind kind : UnitKind.values()) {
      assertThat(tally.open(kind)).as(when + ": open " + kind).isEqualTo(units.stream()
          .filter(u -> u.kind() == kind && u.state() != UnitState.DONE).count());
    }
    assertThat(tally.openTableSteps()).as(when + ": open table steps").isEqualTo(units.stream()
        .filter(u -> u.state() != UnitState.DONE && u.slice().table() != null
            && List.of(UnitKind.PREPARE, UnitKind.COPY, UnitKind.FINISH, UnitKind.REPAIR).contains(u.kind())).count());
    List<WorkUnit> copies = units.stream().filter(u -> u.kind() == UnitKind.COPY).toList();
    assertThat(List.of(tally.rowsDone(), tally.rowsRejected(), tally.bytesDone(), tally.rowsEstimated(), tally.bytesEstimated()))
        .as(when + ": copied").isEqualTo(List.of(
            copies.stream().mapToLong(u -> u.progress().rows()).sum(),
            copies.stream().mapToLong(u -> u.progress().rejected()).sum(),
            copies.stream().mapToLong(u -> u.progress().bytes()).sum(),
            copies.stream().mapToLong(u -> u.slice().estimatedRows()).sum(),
            copies.stream().mapToLong(u -> u.slice().estimatedBytes()).sum()));
    assertThat(tally.failed().stream().map(WorkUnit::id).sorted().toList()).as(when + ": failed")
        .isEqualTo(units.stream().filter(u -> u.state() == UnitState.FAILED).map(WorkUnit::id).sorted().toList());
    assertThat(tally.verification()).as(when + ": verification").isEqualTo(Verification.of(units));
    assertThat(tables(tally.tables().stream().collect(Collectors.toMap(JobTally.Table::name, t -> t))))
        .as(when + ": tables").isEqualTo(recountTables(units, u -> u.slice().table()));

    Map<String, List<Object>> shares = new LinkedHashMap<>();
    Map<String, JobTally.Table> shareUnits = new LinkedHashMap<>();
    for (TenantTable t : tally.tenantTables()) {
      String key = t.tenant() + "/" + t.table();
      shares.put(key, List.of(String.valueOf(t.sourceTable()), t.copyRanges(), t.copiedRows(), t.rejectedRows(), t.verifyRanges(),
          t.verified(), t.sourceRows(), t.targetRows(), t.unclean().stream().map(WorkUnit::id).toList(), t.repairs(),
          t.repairsDone(), t.repairsWhole(), t.repairedRows()));
      shareUnits.put(key, t.units());
    }
    assertThat(tables(shareUnits)).as(when + ": tenant tables' units").isEqualTo(
        recountTables(units, u -> u.slice().tenantId() + "/" + u.slice().table()));
    assertThat(shares).as(when + ": tenant tables' report figures").isEqualTo(recountShares(units));
    JobTally afresh = fresh.tally("j");
    assertThat(TenantGrid.of(tally, job).encode()).as(when + ": grid").isEqualTo(TenantGrid.of(afresh, job).encode());
    assertThat(JobReport.of(job, tally).encode()).as(when + ": report").isEqualTo(JobReport.of(job, afresh).encode());
    assertListedAsFiltered(when, units);
  }

  /** Every kind and state (and none), whole and in pages of 7: the units a filter over the job's units gives. */
  private void assertListedAsFiltered(String when, List<WorkUnit> units) {
    List<UnitKind> kinds = new ArrayList<>(List.of(UnitKind.values()));
    kinds.add(null);
    List<UnitState> states = new ArrayList<>(List.of(UnitState.values()));
    states.add(null);
    for (UnitKind kind : kinds) {
      for (UnitState state : states) {
        List<String> expected = units.stream().filter(u -> (kind == null || u.kind() == kind) && (state == null || u.state() == state))
            .map(WorkUnit::id).toList();
        assertThat(h.board.units("j", kind, state, null, Integer.MAX_VALUE).stream().map(WorkUnit::id).toList())
            .as(when + ": units of kind " + kind + " in state " + state).isEqualTo(expected);
        List<String> paged = new ArrayList<>();
        String after = null;
        List<WorkUnit> page;
        do {
          page = h.board.units("j", kind, state, after, 7);
          page.forEach(u -> paged.add(u.id()));
          after = page.isEmpty() ? null : page.get(page.size() - 1).id();
        } while (page.size() == 7);
        assertThat(paged).as(when + ": pages of kind " + kind + " in state " + state).isEqualTo(expected);
      }
    }
  }

  /** Each tenant table's report figures as a pass over its copy, verify and repair units gives them. */
  private static Map<String, List<Object>> recountShares(List<WorkUnit> units) {
    Map<String, List<WorkUnit>> byShare = new LinkedHashMap<>();
    for (WorkUnit u : units) {
      if (u.slice().table() != null && u.kind() != UnitKind.ROLLBACK) {
        byShare.computeIfAbsent(u.slice().tenantId() + "/" + u.slice().table(), t -> new ArrayList<>()).add(u);
      }
    }
    Map<String, List<Object>> out = new LinkedHashMap<>();
    byShare.forEach((key, us) -> {
      List<WorkUnit> copies = us.stream().filter(u -> u.kind() == UnitKind.COPY).toList();
      List<WorkUnit> verifies = us.stream().filter(u -> u.kind() == UnitKind.VERIFY).toList();
      List<VerifyFindings> found = verifies.stream().map(Verification::verifiedWith).filter(f -> f != null).toList();
      List<WorkUnit> repairs = us.stream().filter(u -> u.kind() == UnitKind.REPAIR).toList();
      List<WorkUnit> repaired = repairs.stream().filter(u -> u.state() == UnitState.DONE).toList();
      String sourceTable = us.stream().filter(u -> List.of(UnitKind.COPY, UnitKind.VERIFY, UnitKind.REPAIR).contains(u.kind()))
          .map(u -> u.slice().sourceTable()).findFirst().orElse(null);
      out.put(key, List.of(String.valueOf(sourceTable), copies.size(), copies.stream().mapToLong(u -> u.progress().rows()).sum(),
          copies.stream().mapToLong(u -> u.progress().rejected()).sum(), verifies.size(), found.size(),
          found.stream().mapToLong(VerifyFindings::sourceRows).sum(), found.stream().mapToLong(VerifyFindings::targetRows).sum(),
          verifies.stream().filter(u -> Verification.verifiedWith(u) != null && !Verification.verifiedWith(u).clean())
              .map(WorkUnit::id).sorted().toList(),
          repairs.size(), repaired.size(), (int) repairs.stream().filter(u -> u.progress().findings() != null
              && !u.progress().findings().listsEveryDifference()).count(), repaired.stream().mapToLong(u -> u.progress().rows()).sum()));
    });
    return out;
  }

  private static Map<String, UnitState> states(Collection<WorkUnit> units) {
    return units.stream().collect(Collectors.toMap(WorkUnit::id, WorkUnit::state));
  }

  private static Map<UnitState, Long> countByState(List<WorkUnit> units) {
    Map<UnitState, Long> counts = new EnumMap<>(UnitState.class);
    for (UnitState s : UnitState.values()) {
      counts.put(s, units.stream().filter(u -> u.state() == s).count());
    }
    return counts;
  }

  private static Map<String, List<Object>> tables(Map<String, JobTally.Table> tables) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JobTally.Table> e : tables.entrySet()) {
      JobTally.Table t = e.getValue();
      out.put(e.getKey(), List.of(t.unitsTotal(), t.unitsDone(), t.failed(), t.rowsDone(), t.rowsRejected(), t.rowsEstimated(),
          t.prepare(), t.finish(), t.copying(), t.verifying()));
    }
    return out;
  }

  /** Each target table's (or tenant table's, by {@code key}) figures as a pass over the units gives them. */
  private static Map<String, List<Object>> recountTables(List<WorkUnit> units, Function<WorkUnit, String> key) {
    Map<String, List<WorkUnit>> byTable = new LinkedHashMap<>();
    for (WorkUnit u : units) {
      if (u.slice().table() != null && u.kind() != UnitKind.ROLLBACK) {
        byTable.computeIfAbsent(key.apply(u), t -> new ArrayList<>()).add(u);
      }
    }
    Map<String, List<Object>> out = new LinkedHashMap<>();
    byTable.forEach((table, us) -> {
      Map<UnitKind, UnitState> single = new HashMap<>();
      us.stream().filter(u -> u.kind() == UnitKind.PREPARE || u.kind() == UnitKind.FINISH)
          .forEach(u -> single.put(u.kind(), u.state()));
      List<WorkUnit> rowUnits = us.stream().filter(u -> !List.of(UnitKind.PREPARE, UnitKind.FINISH, UnitKind.VERIFY,
          UnitKind.REPAIR).contains(u.kind())).toList();
      out.put(table, List.of((long) us.size(), us.stream().filter(u -> u.state() == UnitState.DONE).count(),
          us.stream().anyMatch(u -> u.state() == UnitState.FAILED),
          rowUnits.stream().mapToLong(u -> u.progress().rows()).sum(),
          rowUnits.stream().mapToLong(u -> u.progress().rejected()).sum(),
          rowUnits.stream().mapToLong(u -> u.slice().estimatedRows()).sum(),
          single.getOrDefault(UnitKind.PREPARE, UnitState.DONE), single.getOrDefault(UnitKind.FINISH, UnitState.DONE),
          us.stream().anyMatch(u -> (u.kind() == UnitKind.COPY || u.kind() == UnitKind.REPAIR || u.kind() == UnitKind.RESTORE)
              && u.state() != UnitState.DONE),
          us.stream().anyMatch(u -> u.kind() == UnitKind.VERIFY && u.state() != UnitState.DONE)));
    });
    return out;
  }
}
