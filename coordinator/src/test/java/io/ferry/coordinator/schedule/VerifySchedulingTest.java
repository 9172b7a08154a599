package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.spec.Limits;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verify units on the board: after the copy, under the job's limits, and what their results make of the job. */
class VerifySchedulingTest {

  static final VerifyFindings CLEAN = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
  final SchedulerHarness h = new SchedulerHarness();

  /** Two tenants on one source server, 3 ranges each, every step but the verify units done. */
  void copied(Limits limits) {
    h.addJob("j", List.of(plan("t1", "public.a", 30_000, 300, quantiles(100, 300)),
        plan("t2", "public.a", 30_000, 300, quantiles(100, 300))), Mode.CREATE, Verify.FULL, "t1", "t2");
    h.board.save(h.board.job("j").withLimits(limits));
    while (true) {
      List<Assignment> claimed = h.claim("w0", 10);
      // The verify units, ready once the rest is done, are given back as a stopping worker would.
      claimed.stream().filter(a -> a.unit().kind() == UnitKind.VERIFY)
          .forEach(a -> h.fail(a.unit(), "w0", UnitReports.WORKER_STOPPING, true));
      List<Assignment> steps = claimed.stream().filter(a -> a.unit().kind() != UnitKind.VERIFY).toList();
      if (steps.isEmpty()) {
        return;
      }
      steps.forEach(a -> h.ok(a.unit(), "w0", 10));
    }
  }

  void verified(WorkUnit u, VerifyFindings findings) {
    h.reports.result(new UnitResult(u.jobId(), u.id(), u.lease().epoch(), u.lease().workerId(), true, 10, 0, null, false, 0,
        findings), h.now);
  }

  @Test
  void aCopiedJobIsVerifyingItsVerifyUnitsGoFairlyUnderItsLimitsAndACleanRunSucceedsIt() {
    copied(new Limits(null, null, null, 2));
    assertThat(h.board.job("j").state()).isEqualTo(JobState.VERIFYING);
    assertThat(h.board.job("j").phase()).isEqualTo(JobPhase.VERIFY);
    List<Assignment> first = h.claim("w1", 10);
    assertThat(first).as("the job's checks, which read the target only, and two ranges at once on the source server")
        .hasSize(3).allMatch(a -> a.unit().kind() == UnitKind.VERIFY);
    assertThat(first).filteredOn(a -> a.unit().slice().table() != null).as("one range per tenant")
        .extracting(a -> a.unit().slice().tenantId()).containsExactlyInAnyOrder("t1", "t2");
    assertThat(first).allSatisfy(a -> assertThat(a.plan().ddl().prepare()).as("the copy's slim plan").isEmpty());
    assertThat(first).filteredOn(a -> a.unit().id().equals(UnitPlanner.JOB_VERIFY_ID)).singleElement()
        .satisfies(a -> assertThat(a.tables()).as("the job's target tables, whose foreign keys it follows").containsExactly("public.a"));
    assertThat(first).filteredOn(a -> a.unit().slice().table() != null).allSatisfy(a -> assertThat(a.tables()).isEmpty());
    assertThat(h.claim("w2", 10)).isEmpty();
    first.forEach(a -> verified(a.unit(), CLEAN));
    List<Assignment> rest;
    while (!(rest = h.claim("w1", 10)).isEmpty()) {
      rest.forEach(a -> verified(a.unit(), CLEAN));
    }
    assertThat(h.board.job("j").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.board.job("j").phase()).isEqualTo(JobPhase.DONE);
    assertThat(h.board.units("j")).filteredOn(u -> u.kind() == UnitKind.VERIFY).hasSize(6 + 1)
        .allSatisfy(u -> assertThat(u.progress().findings()).isEqualTo(CLEAN));
  }

  @Test
  void aPausedVerifyingJobResumesVerifyingAndDifferencesFailIt() {
    copied(Limits.NONE);
    JobControl control = new JobControl(h.board, new Unblocker(h.board), h.secrets);
    List<Assignment> claimed = h.claim("w1", 10);
    assertThat(claimed).hasSize(6 + 1);
    control.pause(h.board.job("j"), h.now);
    control.resume(h.board.job("j"), h.now);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.VERIFYING);
    for (int i = 0; i < claimed.size(); i++) {
      verified(claimed.get(i).unit(), claimed.get(i).unit().id().equals("verify:t1:public.a:0000") ? new VerifyFindings(10, 9, 3, 1, 1, List.of(new VerifyFindings.Difference(
          VerifyFindings.Kind.MISSING, List.of("5"), List.of())), null) : CLEAN);
    }
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    assertThat(h.board.job("j").error()).isEqualTo("verification found 1 differing key in 1 table (see the job's report)");
    assertThat(control.retry(h.board.job("j"), h.now).refusal()).as("no unit failed").contains("has no failed unit to retry");
  }

  @Test
  void orphansTheJobChecksFindFailTheJobAndAVerifyAgainRunsTheChecksAgain() {
    copied(Limits.NONE);
    List<Assignment> claimed = h.claim("w1", 10);
    VerifyFindings orphans = VerifyFindings.jobChecks("rows the target rejected; foreign-key orphans of 1 foreign key(s)",
        List.of(), List.of(new VerifyFindings.Orphans("t2", "public.a", "a_parent_fk", "public.a", 2,
            List.of(List.of("17"), List.of("18")))));
    claimed.forEach(a -> verified(a.unit(), a.unit().id().equals(UnitPlanner.JOB_VERIFY_ID) ? orphans : CLEAN));
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    assertThat(h.board.job("j").error()).isEqualTo("verification found 2 orphaned rows of 1 foreign key (see the job's report)");

    JobControl control = new JobControl(h.board, new Unblocker(h.board), h.secrets);
    assertThat(control.verify(h.board.job("j"), h.now).refusal()).isNull();
    assertThat(h.board.unit("j", UnitPlanner.JOB_VERIFY_ID).progress().findings()).as("what it found is dropped").isNull();
    h.claim("w1", 10).forEach(a -> verified(a.unit(), CLEAN));
    assertThat(h.board.job("j").state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aVerifyOnDemandGivesAJobThatVerifiedNothingItsJobChecks() {
    h.addJob("n", List.of(plan("t1", "public.a", 30_000, 300, quantiles(100, 300))), Mode.CREATE, Verify.NONE, "t1");
    List<Assignment> claimed;
    while (!(claimed = h.claim("w0", 10)).isEmpty()) {
      claimed.forEach(a -> h.ok(a.unit(), "w0", 10));
    }
    assertThat(h.board.job("n").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.board.unit("n", UnitPlanner.JOB_VERIFY_ID)).isNull();
    JobControl control = new JobControl(h.board, new Unblocker(h.board), h.secrets);
    assertThat(control.verify(h.board.job("n"), h.now).refusal()).isNull();
    assertThat(h.board.units("n")).filteredOn(u -> u.kind() == UnitKind.VERIFY).extracting(WorkUnit::id)
        .containsExactlyInAnyOrder("verify:t1:public.a:0000", "verify:t1:public.a:0001", "verify:t1:public.a:0002",
            UnitPlanner.JOB_VERIFY_ID);
  }

  @Test
  void aVerifyUnitWithoutFindingsFailsLikeAnyUnitAndIsRetried() {
    copied(Limits.NONE);
    WorkUnit u = h.claim("w1", 1).get(0).unit();
    h.ok(u, "w1", 10);
    assertThat(h.board.unit("j", u.id()).state()).isEqualTo(UnitState.FAILED);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    assertThat(h.board.job("j").error()).contains("no findings");
    JobControl control = new JobControl(h.board, new Unblocker(h.board), h.secrets);
    assertThat(control.verify(h.board.job("j"), h.now).refusal()).as("its copy is done: verify again is allowed").isNull();
    assertThat(h.board.job("j").state()).isEqualTo(JobState.VERIFYING);
    assertThat(h.board.units("j")).filteredOn(v -> v.kind() == UnitKind.VERIFY)
        .allSatisfy(v -> assertThat(v.state()).isEqualTo(UnitState.PENDING));
  }
}
