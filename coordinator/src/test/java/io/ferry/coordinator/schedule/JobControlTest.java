package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobControlTest {

  private final SchedulerHarness h = new SchedulerHarness();
  private final JobControl control = new JobControl(h.board, h.unblocker, h.secrets);

  /** A job whose prepare is done and two of its three copies are leased by w1. */
  private List<Assignment> jobWithTwoCopiesInFlight() {
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10))), "a");
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);
    List<Assignment> copies = h.claim("w1", 2);
    assertThat(copies).hasSize(2);
    return copies;
  }

  private JobRecord job() {
    return h.board.job("j1");
  }

  private static Heartbeat heartbeat(String worker, List<Assignment> held) {
    return new Heartbeat(worker, "host", 1, 4, held.stream().map(a -> a.unit().jobId() + "/" + a.unit().id()).toList(), 0, 0, 0);
  }

  private void stopping(WorkUnit u) {
    h.reports.result(new UnitResult(u.jobId(), u.id(), u.lease().epoch(), u.lease().workerId(), false, 7, 70, UnitReports.WORKER_STOPPING, true), h.now);
  }

  @Test
  void pausingStopsClaimsAndAsksTheWorkersToStopTheirUnitsWithoutSpendingAnAttempt() {
    List<Assignment> copies = jobWithTwoCopiesInFlight();

    JobControl.Outcome paused = control.pause(job(), h.now);

    assertThat(paused.refusal()).isNull();
    assertThat(paused.job().state()).isEqualTo(JobState.PAUSED);
    assertThat(paused.recorded()).isCompleted();
    assertThat(h.sink.jobs).last().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.PAUSED));
    assertThat(h.claim("w2", 10)).as("a paused job hands out nothing").isEmpty();
    assertThat(control.toStop(heartbeat("w1", copies))).containsExactlyInAnyOrderElementsOf(
        heartbeat("w1", copies).activeUnits());
    assertThat(control.toStop(heartbeat("w2", copies))).as("w2 holds none of them").isEmpty();

    copies.forEach(a -> stopping(h.unit("j1", a.unit().id())));
    assertThat(h.board.units("j1")).filteredOn(u -> u.id().startsWith("copy:"))
        .allSatisfy(u -> {
          assertThat(u.state()).isEqualTo(UnitState.PENDING);
          assertThat(u.lease().attempts()).as("a stop is not the unit's fault").isZero();
        });
    assertThat(control.toStop(heartbeat("w1", copies))).isEmpty();

    assertThat(control.resume(job(), h.now).job().state()).isEqualTo(JobState.RUNNING);
    assertThat(h.claim("w2", 10)).hasSize(3);
  }

  @Test
  void repeatingARequestChangesNothingAndInvalidTransitionsAreRefusedNamingTheState() {
    jobWithTwoCopiesInFlight();
    assertThat(control.resume(job(), h.now).refusal()).as("resume of a running job is a no-op").isNull();
    control.pause(job(), h.now);
    JobControl.Outcome again = control.pause(job(), h.now);
    assertThat(again.refusal()).isNull();
    assertThat(again.job().state()).isEqualTo(JobState.PAUSED);

    assertThat(control.cancel(job(), h.now).job().state()).isEqualTo(JobState.CANCELLED);
    assertThat(job().finishedAt()).isEqualTo(h.now);
    assertThat(control.resume(job(), h.now).refusal()).contains("j1 is cancelled");
    assertThat(control.pause(job(), h.now).refusal()).contains("j1 is cancelled");
    assertThat(control.retry(job(), h.now).refusal()).contains("j1 is cancelled");
    assertThat(control.cancel(job(), h.now).refusal()).isNull();
    assertThat(job().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aCancelledJobRestoresTheConstraintsItDroppedOnceNoneOfItsUnitsRuns() {
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10), List.of("ALTER TABLE public.t ADD …"))), "a");
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);
    List<Assignment> copies = h.claim("w1", 2);

    control.cancel(job(), h.now);
    control.cancel(job(), h.now);

    assertThat(h.board.units("j1")).filteredOn(u -> u.kind() == UnitKind.RESTORE).as("one, however often it is cancelled")
        .singleElement().satisfies(u -> {
          assertThat(u.id()).isEqualTo("restore:1");
          assertThat(u.state()).isEqualTo(UnitState.PENDING);
        });
    assertThat(h.claim("w2", 10)).as("not while a copy of the job still writes its last chunk").isEmpty();
    copies.forEach(a -> stopping(h.unit("j1", a.unit().id())));

    List<Assignment> restore = h.claim("w2", 10);
    assertThat(restore).extracting(a -> a.unit().id()).containsExactly("restore:1");
    assertThat(restore.get(0).statements()).isEmpty();
    assertThat(control.toStop(heartbeat("w2", restore))).as("one transaction: nothing to stop").isEmpty();
    h.ok(restore.get(0).unit(), "w2", 0);
    assertThat(h.unit("j1", "restore:1").state()).isEqualTo(UnitState.DONE);
    assertThat(job().state()).isEqualTo(JobState.CANCELLED);
    assertThat(h.claim("w2", 10)).isEmpty();
  }

  @Test
  void aCancelledJobStopsItsUnitsAndNeverHandsOutAgain() {
    List<Assignment> copies = jobWithTwoCopiesInFlight();

    control.cancel(job(), h.now);

    assertThat(control.toStop(heartbeat("w1", copies))).hasSize(2);
    copies.forEach(a -> stopping(h.unit("j1", a.unit().id())));
    assertThat(h.claim("w1", 10)).isEmpty();
    assertThat(job().state()).isEqualTo(JobState.CANCELLED);
    h.now += SchedulerHarness.LEASE * 10;
    h.leases.expire(h.now);
    assertThat(h.claim("w1", 10)).isEmpty();
  }

  @Test
  void aUnitThatFinishesWhilePausedIsKeptAndResumingAFullyDoneJobSucceeds() {
    h.addJob("j1", List.of(plan("a", "public.t", 10, 100, List.of())), "a");
    h.ok(h.claim("w1", 1).get(0).unit(), "w1", 0);
    WorkUnit copy = h.claim("w1", 1).get(0).unit();
    control.pause(job(), h.now);
    h.ok(copy, "w1", 10);
    WorkUnit finish = h.unit("j1", "finish:public.t");
    assertThat(finish.state()).isEqualTo(UnitState.PENDING);
    assertThat(h.claim("w1", 5)).isEmpty();
    control.resume(job(), h.now);
    h.ok(h.claim("w1", 5).get(0).unit(), "w1", 0);
    h.runAll("w1");
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(control.cancel(job(), h.now).refusal()).contains("succeeded");
    assertThat(control.pause(job(), h.now).refusal()).contains("succeeded");
  }

  @Test
  void aJobWhoseLastUnitFinishedWhilePausedSucceedsWhenResumed() {
    h.addJob("j1", List.of(plan("a", "public.t", 10, 100, List.of())), "a");
    WorkUnit last = null;
    while (last == null) {
      WorkUnit u = h.claim("w1", 1).get(0).unit();
      boolean othersDone = h.board.units("j1").stream().filter(o -> !o.id().equals(u.id())).allMatch(o -> o.state() == UnitState.DONE);
      if (othersDone) {
        last = u;
      } else {
        h.ok(u, "w1", 1);
      }
    }
    control.pause(job(), h.now);
    h.ok(last, "w1", 0);
    assertThat(job().state()).as("a paused job does not succeed by itself").isEqualTo(JobState.PAUSED);

    JobControl.Outcome resumed = control.resume(job(), h.now);

    assertThat(resumed.job().state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.sink.jobs).last().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
  }

  @Test
  void retryPutsFailedUnitsBackWithAFreshAttemptBudgetAndRunsTheJobAgain() {
    List<Assignment> copies = jobWithTwoCopiesInFlight();
    assertThat(control.retry(job(), h.now).refusal()).contains("no failed unit");
    WorkUnit broken = copies.get(0).unit();
    h.fail(broken, "w1", "copy unit … : ERROR: value too long", false);
    assertThat(job().state()).isEqualTo(JobState.FAILED);
    assertThat(h.unit("j1", broken.id()).progress().error()).contains("value too long");

    JobControl.Outcome retried = control.retry(job(), h.now);

    assertThat(retried.refusal()).isNull();
    assertThat(retried.job().state()).isEqualTo(JobState.RUNNING);
    assertThat(retried.job().finishedAt()).isNull();
    assertThat(retried.job().error()).isNull();
    WorkUnit again = h.unit("j1", broken.id());
    assertThat(again.state()).isEqualTo(UnitState.PENDING);
    assertThat(again.lease().attempts()).isZero();
    assertThat(again.progress().error()).isNull();
    assertThat(h.sink.units).last().satisfies(u -> assertThat(u.state()).isEqualTo(UnitState.PENDING));
    h.ok(h.unit("j1", copies.get(1).unit().id()), "w1", 10);
    h.runAll("w2");
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aJobPausedBecauseItsLiteralPasswordsWereLostCannotBeResumed() {
    jobWithTwoCopiesInFlight();
    // What a restarted coordinator has: the stored spec, with the literal passwords redacted.
    h.secrets.put("j1", job().spec());
    assertThat(job().spec().target().password()).isEqualTo(Secret.REDACTED);
    control.pause(job(), h.now);

    assertThat(control.resume(job(), h.now).refusal()).contains("resubmit");
    assertThat(job().state()).isEqualTo(JobState.PAUSED);
  }
}
