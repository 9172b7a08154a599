package io.ferry.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.UnitScope;
import io.ferry.coordinator.job.Verification;
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
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The board's incremental state against a full recount, through whole jobs run in a random order: after
 * every report, the {@link Unblocker}'s settling of what the unit can unblock leaves the job as settling
 * the whole job from its units would (no unit left blocked that is ready, the same phase and state), and
 * the {@link JobTally} says what a count over the job's units says.
 */
class IncrementalStateTest {

  private static final VerifyFindings CLEAN = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
  private static final VerifyFindings ONE_MISSING = new VerifyFindings(10, 9, 1, 1, 1,
      List.of(new VerifyFindings.Difference(VerifyFindings.Kind.MISSING, List.of("5"), List.of())), null);

  private final SchedulerHarness h = new SchedulerHarness();

  @ParameterizedTest(name = "mode {0}, verify {1}, seed {2}")
  @CsvSource({"CREATE, NONE, 1", "CREATE, FULL, 2", "TRUNCATE, NONE, 3", "TRUNCATE, FULL, 4", "CREATE, FULL, 5",
      "APPEND, SAMPLE, 6"})
  void settlingWhatAUnitUnblocksAndTheTallyMatchAFullRecountThroughAWholeJob(Mode mode, Verify verify, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    h.addJob("j", plans(), mode, verify, "t1", "t2");
    int reports = 0;
    for (int round = 0; round < 10_000 && !h.board.job("j").state().isFinal(); round++) {
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
    assertThat(h.board.job("j").state().isFinal()).as("the job ended").isTrue();
    assertThat(reports).isGreaterThan(20);
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
    assertThat(tables(tally.tables())).as(when + ": tables").isEqualTo(recountTables(units));
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

  private static Map<String, List<Object>> tables(Collection<JobTally.Table> tables) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (JobTally.Table t : tables) {
      out.put(t.name(), List.of(t.unitsTotal(), t.unitsDone(), t.failed(), t.rowsDone(), t.rowsRejected(), t.rowsEstimated(),
          t.prepare(), t.finish(), t.copying(), t.verifying()));
    }
    return out;
  }

  /** Each target table's figures as a pass over the units gives them, tables in the order of their first unit. */
  private static Map<String, List<Object>> recountTables(List<WorkUnit> units) {
    Map<String, List<WorkUnit>> byTable = new LinkedHashMap<>();
    for (WorkUnit u : units) {
      if (u.slice().table() != null && u.kind() != UnitKind.ROLLBACK) {
        byTable.computeIfAbsent(u.slice().table(), t -> new ArrayList<>()).add(u);
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
