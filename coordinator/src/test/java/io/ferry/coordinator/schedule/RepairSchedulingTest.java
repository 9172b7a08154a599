package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.progress.JobReport;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Repair units on the board: which ranges get one, what they carry, the verify units after them, and refusals. */
class RepairSchedulingTest {

  static final VerifyFindings CLEAN = new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
  static final VerifyFindings LISTED = new VerifyFindings(10, 9, 3, 1, 2, List.of(
      new Difference(Kind.MISSING, List.of("5"), List.of()), new Difference(Kind.DIFFERENT, List.of("7"), List.of("v"))), null);
  /** More differences than a unit lists: its range is copied again whole. */
  static final VerifyFindings COUNTED = new VerifyFindings(300, 150, 3, 2, 150, List.of(), null);

  final SchedulerHarness h = new SchedulerHarness();
  final JobControl control = new JobControl(h.board, h.unblocker, h.secrets);

  /** Two tenants, 3 ranges each, copied, and verified with the findings given per verify unit. */
  void verified(Mode mode, Function<WorkUnit, VerifyFindings> findings) {
    h.addJob("j", List.of(plan("t1", "public.a", 30_000, 300, quantiles(100, 300)),
        plan("t2", "public.a", 30_000, 300, quantiles(100, 300))), mode, Verify.FULL, "t1", "t2");
    run(findings);
  }

  /** Claims and completes units until none is handed out: verify units with {@code findings}, others ok. */
  List<Assignment> run(Function<WorkUnit, VerifyFindings> findings) {
    List<Assignment> all = new ArrayList<>();
    List<Assignment> claimed;
    while (!(claimed = h.claim("w0", 10)).isEmpty()) {
      all.addAll(claimed);
      for (Assignment a : claimed) {
        WorkUnit u = a.unit();
        if (u.kind() == UnitKind.VERIFY) {
          h.reports.result(new UnitResult(u.jobId(), u.id(), u.lease().epoch(), "w0", true, 10, 0, null, false, 0,
              findings.apply(u)), h.now);
        } else {
          h.ok(u, "w0", 10);
        }
      }
    }
    return all;
  }

  Map<String, WorkUnit> verifies() {
    return h.board.units("j").stream().filter(u -> u.kind() == UnitKind.VERIFY)
        .collect(Collectors.toMap(WorkUnit::id, u -> u));
  }

  @Test
  void eachMismatchedRangeGetsARepairUnitAndIsVerifiedAgainAfterEveryRepair() {
    verified(Mode.CREATE, u -> u.id().equals("verify:t1:public.a:0000") ? LISTED
        : u.id().equals("verify:t2:public.a:0002") ? COUNTED : CLEAN);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    Map<String, WorkUnit> before = verifies();

    Repairs.Outcome outcome = control.repair(h.board.job("j"), h.now);
    assertThat(outcome.problems()).isEmpty();
    assertThat(outcome.repairs()).extracting(WorkUnit::id)
        .containsExactlyInAnyOrder("repair:1:t1:public.a:0000", "repair:1:t2:public.a:0002");
    WorkUnit byKeys = h.board.unit("j", "repair:1:t1:public.a:0000");
    assertThat(byKeys.kind()).isEqualTo(UnitKind.REPAIR);
    assertThat(byKeys.slice()).isEqualTo(before.get("verify:t1:public.a:0000").slice());
    assertThat(byKeys.progress().findings()).isEqualTo(LISTED);
    assertThat(byKeys.progress().findings().listsEveryDifference()).isTrue();
    assertThat(h.board.unit("j", "repair:1:t2:public.a:0002").progress().findings().listsEveryDifference()).isFalse();
    assertThat(h.board.job("j").state()).isEqualTo(JobState.RUNNING);
    assertThat(h.board.job("j").error()).isNull();
    assertThat(h.board.unit("j", "verify:t1:public.a:0000").state()).isEqualTo(UnitState.BLOCKED);
    assertThat(h.board.unit("j", "verify:t1:public.a:0000").progress().findings()).isNull();

    // Only the repair units go out while they run; their assignments carry the findings and the copy's slim plan.
    List<Assignment> repairs = h.claim("w1", 10);
    assertThat(repairs).hasSize(2).allMatch(a -> a.unit().kind() == UnitKind.REPAIR);
    assertThat(repairs).allSatisfy(a -> {
      assertThat(a.unit().progress().findings()).isNotNull();
      assertThat(a.plan().ddl().prepare()).isEmpty();
    });
    assertThat(h.board.job("j").phase()).isEqualTo(JobPhase.COPY);
    h.ok(repairs.get(0).unit(), "w1", 2);
    assertThat(h.claim("w1", 10)).as("the verify units wait for every repair").isEmpty();
    h.ok(repairs.get(1).unit(), "w1", 150);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.VERIFYING);

    List<Assignment> again = run(u -> CLEAN);
    // The job's checks too: orphans of a parent the repairs re-copied are gone.
    assertThat(again).extracting(a -> a.unit().id())
        .containsExactlyInAnyOrder("verify:t1:public.a:0000", "verify:t2:public.a:0002", "verify:*");
    assertThat(h.board.job("j").state()).isEqualTo(JobState.SUCCEEDED);
    Map<String, WorkUnit> after = verifies();
    assertThat(after.get("verify:t1:public.a:0001")).as("a clean range is not compared again")
        .isEqualTo(before.get("verify:t1:public.a:0001"));
    assertThat(JobReport.of(h.board.job("j"), h.board.units("j")).getString("verdict")).isEqualTo("clean");
    assertThat(h.board.units("j")).filteredOn(u -> u.kind() == UnitKind.REPAIR)
        .allSatisfy(u -> assertThat(u.state()).isEqualTo(UnitState.DONE));
  }

  @Test
  void aSecondRepairIsANewRoundAndAFailedRepairFailsTheJobUntilRetried() {
    verified(Mode.CREATE, u -> u.id().equals("verify:t1:public.a:0001") ? LISTED : CLEAN);
    control.repair(h.board.job("j"), h.now);
    WorkUnit repair = h.claim("w1", 10).get(0).unit();
    h.fail(repair, "w1", "the target rejected a row", false);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    assertThat(control.repair(h.board.job("j"), h.now).problems()).singleElement().asString()
        .contains("has not finished its repair (unit repair:1:t1:public.a:0001 is failed)");
    assertThat(control.retry(h.board.job("j"), h.now).refusal()).isNull();
    run(u -> LISTED);
    assertThat(h.board.job("j").state()).as("the same range still differs").isEqualTo(JobState.FAILED);

    Repairs.Outcome second = control.repair(h.board.job("j"), h.now);
    assertThat(second.repairs()).extracting(WorkUnit::id).containsExactly("repair:2:t1:public.a:0001");
    run(u -> CLEAN);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aVerifyUnitThatFailedIsRetriedBeforeARepairElseTheJobWouldWaitOnIt() {
    h.addJob("j", List.of(plan("t1", "public.a", 30_000, 300, quantiles(100, 300)),
        plan("t2", "public.a", 30_000, 300, quantiles(100, 300))), Mode.CREATE, Verify.FULL, "t1", "t2");
    List<Assignment> claimed;
    while (!(claimed = h.claim("w0", 10)).isEmpty()) {
      for (Assignment a : claimed) {
        WorkUnit u = a.unit();
        if (u.id().equals("verify:t2:public.a:0000")) {
          h.fail(u, "w0", "connection reset", false);
        } else if (u.kind() == UnitKind.VERIFY) {
          h.reports.result(new UnitResult(u.jobId(), u.id(), u.lease().epoch(), "w0", true, 10, 0, null, false, 0,
              u.id().equals("verify:t1:public.a:0001") ? LISTED : CLEAN), h.now);
        } else {
          h.ok(u, "w0", 10);
        }
      }
    }
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    assertThat(control.repair(h.board.job("j"), h.now).problems()).containsExactly(
        "job j has a verify unit that failed (unit verify:t2:public.a:0000): retry its failed units first");
    assertThat(h.board.units("j")).noneMatch(u -> u.kind() == UnitKind.REPAIR);

    assertThat(control.retry(h.board.job("j"), h.now).refusal()).isNull();
    run(u -> u.id().equals("verify:t1:public.a:0001") ? LISTED : CLEAN);
    assertThat(h.board.job("j").state()).as("the range that differs fails the job").isEqualTo(JobState.FAILED);
    assertThat(control.repair(h.board.job("j"), h.now).problems()).isEmpty();
    run(u -> CLEAN);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aJobIsRefusedWithEveryReasonWhenItCannotBeRepaired() {
    h.addJob("j", List.of(plan("t1", "public.a", 30_000, 300, quantiles(100, 300))), Mode.CREATE, Verify.FULL, "t1");
    assertThat(control.repair(h.board.job("j"), h.now).problems()).containsExactly(
        "job j is running: only a finished job whose verification found differences (failed) can be repaired",
        "job j has not finished its copy (unit prepare:public.a is pending): retry its failed units first");
    run(u -> CLEAN);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(control.repair(h.board.job("j"), h.now).problems())
        .containsExactly("job j's verification found no difference: there is nothing to repair");
    assertThat(h.board.units("j")).noneMatch(u -> u.kind() == UnitKind.REPAIR);
  }

  @Test
  void aJobOfModeVerifyIsNeverRepaired() {
    verified(Mode.VERIFY, u -> LISTED);
    assertThat(h.board.job("j").state()).isEqualTo(JobState.FAILED);
    assertThat(control.repair(h.board.job("j"), h.now).problems()).singleElement().asString()
        .startsWith("job j is of mode verify: it compares and never writes the target");
  }
}
