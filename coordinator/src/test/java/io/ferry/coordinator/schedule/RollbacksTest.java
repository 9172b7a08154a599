package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.keyedPlan;
import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static io.ferry.coordinator.Fixtures.withCollatedKey;
import static io.ferry.coordinator.Fixtures.withKeyOrder;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RollbacksTest {

  private final SchedulerHarness h = new SchedulerHarness();
  private final JobControl control = new JobControl(h.board, h.unblocker, h.secrets);

  /** Tenants a and b, tables public.t (3 copy units each) and public.u (one unit each), all done. */
  private JobRecord succeededJob() {
    List<String> fk = List.of("ALTER TABLE public.t ADD FOREIGN KEY (u_id) REFERENCES public.u (id)");
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10), fk), plan("b", "public.t", 30_000, 100, quantiles(100, 10), fk),
        plan("a", "public.u", 10, 1, List.of()), plan("b", "public.u", 10, 1, List.of())), "a", "b");
    h.runAll("w1");
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
    return job();
  }

  private JobRecord job() {
    return h.board.job("j1");
  }

  private Rollbacks.Outcome rollback(String tenant, String table, String unit) {
    return control.rollback(job(), new Rollbacks.Selection(tenant, table, unit), h.now);
  }

  private List<WorkUnit> copies(String tenant) {
    return h.board.units("j1").stream().filter(u -> u.kind() == UnitKind.COPY && u.slice().tenantId().equals(tenant)).toList();
  }

  @Test
  void rollsBackATenantSoThatResumingCopiesExactlyItsUnitsAgain() {
    succeededJob();
    Map<String, WorkUnit> before = h.board.units("j1").stream().collect(Collectors.toMap(WorkUnit::id, Function.identity()));

    Rollbacks.Outcome outcome = rollback("a", null, null);

    assertThat(outcome.verdict()).as(String.valueOf(outcome.problems())).isEqualTo(Rollbacks.Verdict.STARTED);
    assertThat(outcome.recorded()).isCompleted();
    assertThat(outcome.rollback().id()).isEqualTo("rollback:1");
    assertThat(outcome.copyUnits()).extracting(WorkUnit::id).containsExactlyInAnyOrderElementsOf(copies("a").stream().map(WorkUnit::id).toList())
        .hasSize(4);
    assertThat(job().state()).as("a succeeded job waits paused, so that resuming copies again").isEqualTo(JobState.PAUSED);
    assertThat(h.sink.jobs).last().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.PAUSED));
    assertThat(control.resume(job(), h.now).refusal()).contains("rolling back");
    assertThat(control.retry(job(), h.now).refusal()).contains("rolling back");
    assertThat(rollback("b", null, null).verdict()).as("one rollback at a time").isEqualTo(Rollbacks.Verdict.WRONG_STATE);

    List<Assignment> claimed = h.claim("w2", 10);
    assertThat(claimed).as("a paused job hands out its rollback only").singleElement()
        .satisfies(a -> {
          assertThat(a.unit().kind()).isEqualTo(UnitKind.ROLLBACK);
          assertThat(a.copyUnits()).extracting(WorkUnit::id).containsExactlyInAnyOrderElementsOf(outcome.copyUnits().stream().map(WorkUnit::id).toList());
          assertThat(a.copyUnits()).allSatisfy(c -> assertThat(c.lease().epoch()).isEqualTo(before.get(c.id()).lease().epoch()));
          assertThat(a.tenantColumn()).isEqualTo("tenant_id");
        });
    assertThat(control.toStop(new io.ferry.protocol.message.Heartbeat("w2", "host", 1, 4,
        List.of("j1/" + claimed.get(0).unit().id()), 0, 0, 0))).as("a rollback is not stopped like a copy").isEmpty();

    h.ok(claimed.get(0).unit(), "w2", 30_010);

    assertThat(h.unit("j1", "rollback:1")).satisfies(r -> {
      assertThat(r.state()).isEqualTo(UnitState.DONE);
      assertThat(r.progress().rows()).as("rows deleted").isEqualTo(30_010);
    });
    assertThat(h.sink.units).last().satisfies(u -> assertThat(u.id()).as("recorded done after its copy units' resets").isEqualTo("rollback:1"));
    for (WorkUnit c : copies("a")) {
      assertThat(c.state()).isEqualTo(UnitState.PENDING);
      assertThat(c.progress().rows()).isZero();
      assertThat(c.progress().bytes()).isZero();
      assertThat(c.lease().attempts()).isZero();
      assertThat(c.lease().epoch()).as("past the epoch the rollback fenced").isEqualTo(before.get(c.id()).lease().epoch() + 1);
    }
    assertThat(copies("b")).allSatisfy(c -> assertThat(c).isEqualTo(before.get(c.id())));
    assertThat(job().state()).isEqualTo(JobState.PAUSED);
    assertThat(h.claim("w2", 10)).as("nothing goes out before resume").isEmpty();

    assertThat(h.unit("j1", "finish:*").state()).as("the foreign keys the worker dropped are added again after the copies")
        .isEqualTo(UnitState.BLOCKED);
    assertThat(h.unit("j1", "finish:public.t").state()).as("keys and indexes stay: they are in place").isEqualTo(UnitState.DONE);

    assertThat(control.resume(job(), h.now).job().state()).isEqualTo(JobState.RUNNING);
    List<Assignment> again = h.claim("w2", 10);
    assertThat(again).extracting(a -> a.unit().id()).containsExactlyInAnyOrderElementsOf(copies("a").stream().map(WorkUnit::id).toList());
    assertThat(again).allSatisfy(a -> assertThat(a.unit().lease().epoch()).isEqualTo(before.get(a.unit().id()).lease().epoch() + 2));
    again.forEach(a -> h.ok(a.unit(), "w2", 10));
    List<Assignment> foreignKeys = h.claim("w2", 10);
    assertThat(foreignKeys).extracting(a -> a.unit().id()).containsExactly("finish:*");
    h.ok(foreignKeys.get(0).unit(), "w2", 0);
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
  }

  /** The rows-copied counter counts the rows in the target: rows a rollback deleted are not counted twice. */
  @Test
  void rowsCopiedCountsTheRowsLeftInTheTargetAfterARollbackAndItsCopyAgain() {
    io.ferry.coordinator.progress.FerryMetrics metrics = new io.ferry.coordinator.progress.FerryMetrics(h.board,
        new WorkerRegistry(), new io.ferry.coordinator.progress.ThroughputTracker(),
        new io.ferry.coordinator.limit.Permits(h.board, new io.ferry.coordinator.limit.JobRateLimiter(System::nanoTime)));
    h.listener = metrics;
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10)), plan("b", "public.t", 30_000, 100, quantiles(100, 10)),
        plan("a", "public.u", 10, 1, List.of()), plan("b", "public.u", 10, 1, List.of())), "a", "b");
    metrics.watch("j1");
    for (List<Assignment> claimed = h.claim("w1", 100); !claimed.isEmpty(); claimed = h.claim("w1", 100)) {
      claimed.forEach(a -> h.ok(a.unit(), "w1", a.unit().kind() == UnitKind.COPY ? 10 : 0));
    }
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(rowsCopied(metrics.scrape())).isEqualTo(80);

    rollback("a", null, null);
    h.ok(h.claim("w2", 10).get(0).unit(), "w2", 40);
    control.resume(job(), h.now);
    h.claim("w2", 10).forEach(a -> h.ok(a.unit(), "w2", 10));
    h.claim("w2", 10).forEach(a -> h.ok(a.unit(), "w2", 0));
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);

    assertThat(rowsCopied(metrics.scrape())).as("8 copy units of 10 rows in the target").isEqualTo(80);
  }

  private static double rowsCopied(String scrape) {
    return scrape.lines().filter(l -> l.startsWith("ferry_rows_copied_total{") && l.contains("job=\"j1\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aRollbackOfACancelledJobIsFollowedByARestoreOfTheKeysItDropped() {
    succeededJob();
    assertThat(rollback("a", null, null).verdict()).isEqualTo(Rollbacks.Verdict.STARTED);
    control.cancel(job(), h.now);
    assertThat(h.board.units("j1")).as("the job's last finish is done: nothing to restore yet")
        .noneMatch(u -> u.kind() == UnitKind.RESTORE);

    List<Assignment> claimed = h.claim("w2", 10);
    assertThat(claimed).extracting(a -> a.unit().kind()).containsExactly(UnitKind.ROLLBACK);
    h.ok(claimed.get(0).unit(), "w2", 30_010);

    assertThat(job().state()).isEqualTo(JobState.CANCELLED);
    assertThat(h.claim("w2", 10)).as("no resume brings finish:* to a cancelled job: a restore goes out instead")
        .extracting(a -> a.unit().id()).containsExactly("restore:1");
  }

  @Test
  void copiesOfATableNotYetPreparedStayBlockedAfterTheirRollback() {
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10))), "a");
    control.pause(job(), h.now);
    // Nothing prepared yet: the copies are blocked and stay so.
    Rollbacks.Outcome outcome = rollback(null, "public.t", null);
    assertThat(outcome.verdict()).isEqualTo(Rollbacks.Verdict.STARTED);
    WorkUnit r = h.claim("w1", 1).get(0).unit();
    h.reports.done(r, 0, 0, h.now);
    assertThat(copies("a")).allSatisfy(c -> assertThat(c.state()).isEqualTo(UnitState.BLOCKED));
    assertThat(job().state()).isEqualTo(JobState.PAUSED);
  }

  @Test
  void refusesWhileTheJobRunsOrWhileASelectedUnitIsStillLeased() {
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10))), "a");
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);
    List<Assignment> inFlight = h.claim("w1", 1);

    Rollbacks.Outcome running = rollback("a", null, null);
    assertThat(running.verdict()).isEqualTo(Rollbacks.Verdict.WRONG_STATE);
    assertThat(running.problems()).singleElement().asString().contains("j1 is running").contains("pause it first");

    control.pause(job(), h.now);
    Rollbacks.Outcome leased = rollback("a", null, null);
    assertThat(leased.verdict()).isEqualTo(Rollbacks.Verdict.WRONG_STATE);
    assertThat(leased.problems()).singleElement().asString().contains(inFlight.get(0).unit().id()).contains("still leased by worker w1");
    assertThat(h.board.units("j1")).noneMatch(u -> u.kind() == UnitKind.ROLLBACK);
  }

  @Test
  void listsEveryProblemOfTheSelection() {
    succeededJob();
    Rollbacks.Outcome names = rollback("zz", "public.nope", null);
    assertThat(names.verdict()).isEqualTo(Rollbacks.Verdict.INVALID);
    assertThat(names.problems()).hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("tenant 'zz'").contains("its tenants: a, b"))
        .anySatisfy(p -> assertThat(p).contains("table 'public.nope'").contains("public.t, public.u"));

    assertThat(rollback(null, null, "prepare:public.t").problems()).singleElement().asString().contains("is a prepare unit");
    assertThat(rollback(null, null, "copy:x:public.t:0009").problems()).singleElement().asString().contains("not a unit of job j1");
    assertThat(rollback("b", "public.u", "copy:a:public.t:0001").problems()).hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("belongs to tenant a, not to tenant b"))
        .anySatisfy(p -> assertThat(p).contains("belongs to table public.t, not to table public.u"));
    assertThat(job().state()).as("a refused request changes nothing").isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aSingleUnitIsRolledBackByItsRangeWhereTheTargetOrdersItsKeyAsTheSourceDid() {
    succeededJob();
    WorkUnit copy = h.unit("j1", "copy:a:public.t:0001");
    Rollbacks.Outcome one = rollback("a", null, copy.id());
    assertThat(one.verdict()).isEqualTo(Rollbacks.Verdict.STARTED);
    assertThat(one.rollback().slice().range()).isEqualTo(copy.slice().range());
    assertThat(one.copyUnits()).extracting(WorkUnit::id).containsExactly(copy.id());
    WorkUnit r = h.claim("w1", 1).get(0).unit();
    h.ok(r, "w1", 10);
    assertThat(copies("a")).filteredOn(c -> c.state() == UnitState.PENDING).extracting(WorkUnit::id).containsExactly(copy.id());

    // A tenant table's only unit is the tenant table: rolled back without a range.
    Rollbacks.Outcome only = rollback(null, null, "copy:b:public.u:0000");
    assertThat(only.verdict()).isEqualTo(Rollbacks.Verdict.STARTED);
    assertThat(only.rollback().slice().range()).isNull();
    assertThat(only.rollback().slice().tenantId()).isEqualTo("b");
    assertThat(only.rollback().slice().table()).isEqualTo("public.u");
  }

  @Test
  void refusesASingleRangeOverRowAddressesOrOverACollatableKey() {
    List<List<String>> blocks = List.of(List.of("(0,0)"), List.of("(10,0)"), List.of("(20,0)"));
    List<List<String>> codes = List.of(List.of("a"), List.of("m"), List.of("t"));
    h.addJob("j1", List.of(
        keyedPlan("a", "public.heap", SplitMethod.CTID, List.of("ctid"), List.of("tid"), false, 30_000, 1L << 20, blocks, null),
        withCollatedKey(keyedPlan("a", "public.codes", SplitMethod.PRIMARY_KEY, List.of("code"), List.of("character varying(20)"),
            false, 30_000, 1L << 20, codes, null)),
        withKeyOrder(keyedPlan("a", "public.stored", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("bigint"), false, 30_000,
            1L << 20, List.of(List.of("10"), List.of("20"), List.of("30")), null), null)), "a");
    control.pause(job(), h.now);
    assertThat(rollback(null, null, "copy:a:public.heap:0001").problems()).singleElement().asString()
        .contains("ctid").contains("as a whole").contains("\"table\": \"public.heap\"");
    assertThat(rollback(null, null, "copy:a:public.codes:0001").problems()).singleElement().asString()
        .contains("key column code").contains("collation");
    assertThat(rollback(null, null, "copy:a:public.stored:0001").problems()).as("a stored plan without key order")
        .singleElement().asString().contains("key column id").contains("as a whole");
    assertThat(rollback("a", "public.heap", null).verdict()).as("the whole tenant table is exact").isEqualTo(Rollbacks.Verdict.STARTED);
  }

  @Test
  void aFailedRollbackLeavesTheJobAndItsCopiesAsTheyWereAndIsNotRetried() {
    succeededJob();
    Map<String, WorkUnit> before = h.board.units("j1").stream().collect(Collectors.toMap(WorkUnit::id, Function.identity()));
    rollback("a", "public.t", null);
    WorkUnit r = h.claim("w1", 1).get(0).unit();

    h.fail(r, "w1", "rollback unit rollback:1 of job j1: still referenced from table notes", false);

    assertThat(h.unit("j1", "rollback:1").state()).isEqualTo(UnitState.FAILED);
    assertThat(job().state()).as("a failed rollback changed nothing: the job is not failed").isEqualTo(JobState.PAUSED);
    assertThat(copies("a")).allSatisfy(c -> assertThat(c).isEqualTo(before.get(c.id())));
    assertThat(control.retry(job(), h.now).refusal()).as("a rollback is asked for again, never retried").contains("no failed unit");
    assertThat(control.resume(job(), h.now).refusal()).isNull();
    assertThat(job().state()).as("every unit but the failed rollback is done").isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aJobThatLostItsLiteralPasswordsInARestartIsNotRolledBack() {
    succeededJob();
    // A restarted coordinator: the record holds the job, the literal passwords are gone.
    JobControl restarted = new JobControl(h.board, h.unblocker, new JobSecrets());

    Rollbacks.Outcome outcome = restarted.rollback(job(), new Rollbacks.Selection("a", null, null), h.now);

    assertThat(outcome.verdict()).isEqualTo(Rollbacks.Verdict.WRONG_STATE);
    assertThat(outcome.problems()).singleElement().asString().contains("literal passwords");
    assertThat(Rollbacks.inProgress(h.board, "j1")).isFalse();
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
  }
}
