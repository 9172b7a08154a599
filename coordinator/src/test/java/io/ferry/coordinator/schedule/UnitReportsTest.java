package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitReportsTest {

  private static SchedulerHarness twoTenantJob() {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.t", 20_000, 100, quantiles(100, 10)), plan("b", "public.t", 10, 10, List.of())), "a", "b");
    return h;
  }

  @Test
  void prepareDoneUnblocksTheTablesCopiesAndMovesThePhase() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit prepare = h.claim("w1", 1).get(0).unit();
    assertThat(h.unit("j1", "copy:a:public.t:0000").state()).isEqualTo(UnitState.BLOCKED);

    h.ok(prepare, "w1", 0);

    assertThat(h.unit("j1", "prepare:public.t").state()).isEqualTo(UnitState.DONE);
    assertThat(h.board.units("j1")).filteredOn(u -> u.id().startsWith("copy:")).extracting(WorkUnit::state).containsOnly(UnitState.PENDING);
    assertThat(h.unit("j1", "finish:public.t").state()).isEqualTo(UnitState.BLOCKED);
    assertThat(h.board.job("j1").phase()).isEqualTo(JobPhase.COPY);
  }

  @Test
  void theTableFinishWaitsForEveryTenantsCopies() {
    SchedulerHarness h = twoTenantJob();
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);
    List<Assignment> copies = h.claim("w1", 10);
    assertThat(copies).hasSize(3);
    h.ok(copies.get(0).unit(), "w1", 5);
    h.ok(copies.get(1).unit(), "w1", 5);
    assertThat(h.unit("j1", "finish:public.t").state()).isEqualTo(UnitState.BLOCKED);
    h.ok(copies.get(2).unit(), "w1", 5);
    assertThat(h.unit("j1", "finish:public.t").state()).isEqualTo(UnitState.PENDING);
    assertThat(h.board.job("j1").phase()).isEqualTo(JobPhase.FINISH);

    WorkUnit finish = h.claim("w1", 1).get(0).unit();
    h.ok(finish, "w1", 0);
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.board.job("j1").phase()).isEqualTo(JobPhase.DONE);
    assertThat(h.sink.jobs).last().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void aResultWithAStaleEpochOrFromAnotherWorkerIsIgnored() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit first = h.claim("w1", 1).get(0).unit();
    h.now += SchedulerHarness.LEASE + 1;
    h.leases.expire(h.now);
    WorkUnit second = h.claim("w2", 1).get(0).unit();
    assertThat(second.lease().epoch()).isEqualTo(first.lease().epoch() + 1);

    h.ok(first, "w1", 0);
    h.ok(second, "w1", 0);
    assertThat(h.unit("j1", "prepare:public.t").state()).isEqualTo(UnitState.LEASED);
    assertThat(h.unit("j1", "prepare:public.t").lease().workerId()).isEqualTo("w2");

    h.ok(second, "w2", 0);
    assertThat(h.unit("j1", "prepare:public.t").state()).isEqualTo(UnitState.DONE);
  }

  @Test
  void progressIsKeptInMemoryOnlyAndStaleProgressIsIgnored() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit prepare = h.claim("w1", 1).get(0).unit();
    int writes = h.sink.units.size();

    h.reports.progress(new UnitProgress("j1", prepare.id(), prepare.lease().epoch(), "w1", 100, 1_000), h.now);
    h.reports.progress(new UnitProgress("j1", prepare.id(), prepare.lease().epoch() - 1, "w1", 999, 9_999), h.now);

    assertThat(h.unit("j1", prepare.id()).progress().rows()).isEqualTo(100);
    assertThat(h.sink.units).hasSize(writes);
  }

  @Test
  void rejectedRowsAreWrittenThroughCountedAndShownPerJobAndTable() {
    SchedulerHarness h = twoTenantJob();
    io.ferry.coordinator.progress.ThroughputTracker throughput = new io.ferry.coordinator.progress.ThroughputTracker();
    io.ferry.coordinator.progress.FerryMetrics metrics = new io.ferry.coordinator.progress.FerryMetrics(h.board,
        new WorkerRegistry(), throughput, new io.ferry.coordinator.limit.Permits(h.board,
            new io.ferry.coordinator.limit.JobRateLimiter(System::nanoTime)));
    UnitReports reports = new UnitReports(h.board, h.unblocker, metrics,
        new RetryPolicy(SchedulerHarness.MAX_ATTEMPTS, SchedulerHarness.RETRY_BUDGET), new java.util.SplittableRandom(1));
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);
    List<Assignment> copies = h.claim("w1", 10);
    WorkUnit copy = copies.stream().map(Assignment::unit).filter(u -> "a".equals(u.slice().tenantId())).findFirst().orElseThrow();
    int writes = h.sink.units.size();

    reports.progress(new UnitProgress("j1", copy.id(), copy.lease().epoch(), "w1", 500, 5_000, 0), h.now);
    assertThat(h.sink.units).as("plain progress stays in memory").hasSize(writes);
    reports.progress(new UnitProgress("j1", copy.id(), copy.lease().epoch(), "w1", 500, 5_000, 2), h.now);
    assertThat(h.sink.units).as("a rejected row is written through at once").hasSize(writes + 1);
    assertThat(h.sink.units).last().satisfies(u -> assertThat(u.progress().rejected()).isEqualTo(2));
    reports.result(new io.ferry.protocol.message.UnitResult("j1", copy.id(), copy.lease().epoch(), "w1", true, 998, 9_980, null,
        false, 3), h.now);

    assertThat(h.unit("j1", copy.id()).progress().rejected()).isEqualTo(3);
    assertThat(h.unit("j1", copy.id()).progress().rows()).isEqualTo(998);
    io.vertx.core.json.JsonObject status = new io.ferry.coordinator.progress.JobStatusView(h.board, throughput)
        .summary(h.board.job("j1"), h.now);
    assertThat(status.getJsonObject("rows").getLong("rejected")).isEqualTo(3);
    assertThat(status.getJsonObject("rows").getLong("done")).isEqualTo(998);
    assertThat(status.getJsonArray("tables").getJsonObject(0).getLong("rowsRejected")).isEqualTo(3);
    assertThat(metrics.scrape()).contains("ferry_rows_rejected_total{job=\"j1\",table=\"public.t\"} 3.0");
  }

  @Test
  void retryableFailuresComeBackAfterABackoffUntilTheAttemptsRunOut() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();

    h.fail(u, "w1", "connection reset", true);

    WorkUnit back = h.unit("j1", u.id());
    assertThat(back.state()).isEqualTo(UnitState.PENDING);
    assertThat(back.progress().error()).isEqualTo("connection reset");
    long notBefore = h.board.notBefore(back);
    assertThat(notBefore - h.now).isBetween(Backoff.BASE_MILLIS, 3 * Backoff.BASE_MILLIS);
    assertThat(h.claim("w1", 1)).as("not before the backoff").isEmpty();

    for (int attempt = 2; attempt <= SchedulerHarness.MAX_ATTEMPTS; attempt++) {
      h.now = h.board.notBefore(h.unit("j1", u.id()));
      WorkUnit again = h.claim("w1", 1).get(0).unit();
      assertThat(again.lease().attempts()).isEqualTo(attempt);
      h.fail(again, "w1", "connection reset", true);
    }

    assertThat(h.unit("j1", u.id()).state()).isEqualTo(UnitState.FAILED);
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.FAILED);
    assertThat(h.board.job("j1").error()).contains("prepare:public.t", "connection reset");
    h.now += 60_000;
    assertThat(h.claim("w1", 5)).as("a failed job hands out nothing").isEmpty();
  }

  @Test
  void aPermanentFailureFailsTheUnitAndTheJobAtOnce() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    h.fail(u, "w1", "relation public.t already exists", false);
    assertThat(h.unit("j1", u.id()).state()).isEqualTo(UnitState.FAILED);
    assertThat(h.unit("j1", u.id()).progress().error()).isEqualTo("relation public.t already exists");
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.FAILED);
  }

  @Test
  void aStoppingWorkerGivesItsUnitBackWithoutSpendingAnAttempt() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    h.fail(u, "w1", "worker stopping", true);
    WorkUnit back = h.unit("j1", u.id());
    assertThat(back.state()).isEqualTo(UnitState.PENDING);
    assertThat(back.lease().attempts()).isZero();
    assertThat(h.claim("w2", 1)).as("ready at once").hasSize(1);
  }

  @Test
  void backoffGrowsWithJitterAndIsCapped() {
    var random = new java.util.SplittableRandom(7);
    long wait = 0;
    for (int i = 0; i < 50; i++) {
      long next = Backoff.next(wait, random);
      assertThat(next).isBetween(Backoff.BASE_MILLIS, Math.min(Backoff.CAP_MILLIS, Math.max(wait, Backoff.BASE_MILLIS) * 3));
      wait = next;
    }
  }

  /** Fails the unit's current attempt retryably and claims it again as soon as its backoff allows. */
  private static WorkUnit failAndReclaim(SchedulerHarness h, WorkUnit u) {
    h.fail(u, "w1", "terminating connection due to administrator command", true);
    h.now = h.board.notBefore(h.unit("j1", u.id()));
    return h.claim("w1", 1).get(0).unit();
  }

  @Test
  void theBackoffGrowsAcrossAttemptsOfOneUnit() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    long first = h.now;
    u = failAndReclaim(h, u);
    long firstWait = h.now - first;
    long start = h.now;
    failAndReclaim(h, u);
    // A claim must not forget the last wait: the second wait is drawn from [base, 3 × the first].
    assertThat(h.board.lastBackoff(h.unit("j1", u.id()))).isEqualTo(h.now - start);
    assertThat(firstWait).isBetween(Backoff.BASE_MILLIS, 3 * Backoff.BASE_MILLIS);
    assertThat(h.now - start).isBetween(Backoff.BASE_MILLIS, 3 * firstWait);
  }

  @Test
  void aUnitFailingPastItsTimeBudgetFailsWithTheCauseAndWhy() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    h.fail(u, "w1", "connection refused", true);
    h.now += SchedulerHarness.RETRY_BUDGET; // the database stays down longer than the budget
    WorkUnit again = h.claim("w1", 1).get(0).unit();
    assertThat(again.lease().attempts()).isLessThan(SchedulerHarness.MAX_ATTEMPTS);

    h.fail(again, "w1", "connection refused", true);

    WorkUnit failed = h.unit("j1", u.id());
    assertThat(failed.state()).isEqualTo(UnitState.FAILED);
    assertThat(failed.progress().error()).startsWith("connection refused").contains("retry budget of 120 s is spent");
    assertThat(h.board.job("j1").state()).isEqualTo(JobState.FAILED);
  }

  @Test
  void noBackoffWaitsPastTheEndOfTheTimeBudget() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    long since = h.now;
    h.fail(u, "w1", "connection refused", true);
    h.now = since + SchedulerHarness.RETRY_BUDGET - 500;
    WorkUnit again = h.claim("w1", 1).get(0).unit();
    h.fail(again, "w1", "connection refused", true);
    assertThat(h.unit("j1", u.id()).state()).isEqualTo(UnitState.PENDING);
    assertThat(h.board.notBefore(h.unit("j1", u.id()))).isLessThan(since + SchedulerHarness.RETRY_BUDGET);
  }

  @Test
  void committedProgressStartsANewTimeBudget() {
    SchedulerHarness h = twoTenantJob();
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    h.fail(u, "w1", "connection refused", true);
    h.now += SchedulerHarness.RETRY_BUDGET - 1_000;
    WorkUnit again = h.claim("w1", 1).get(0).unit();
    h.reports.progress(new UnitProgress(again.jobId(), again.id(), again.lease().epoch(), "w1", 100, 1_000), h.now);
    h.now += 5_000;

    h.fail(again, "w1", "connection refused", true);

    assertThat(h.unit("j1", u.id()).state()).as("the unit recovered in between: the budget starts again")
        .isEqualTo(UnitState.PENDING);
  }

  @Test
  void theRetryPolicyRejectsEmptyBudgets() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(0, 1_000));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(3, 0));
  }
}
