package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.Scope;
import io.ferry.coordinator.job.ScopeState;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pausing, resuming and cancelling one tenant or table of a running job (the job's scopes). */
class ScopeControlTest {

  private final SchedulerHarness h = new SchedulerHarness();
  private final JobControl control = new JobControl(h.board, h.unblocker, h.secrets);

  /** Tenants a and b, each with public.t in three copies and public.u in one. */
  private void twoTenants() {
    h.addJob("j1", List.of(
        plan("a", "public.t", 30_000, 100, quantiles(100, 10)), plan("a", "public.u", 10, 10, List.of()),
        plan("b", "public.t", 30_000, 100, quantiles(100, 10)), plan("b", "public.u", 10, 10, List.of())), "a", "b");
  }

  private JobRecord job() {
    return h.board.job("j1");
  }

  private List<WorkUnit> copies(String tenant, String table) {
    return h.board.units("j1").stream().filter(u -> u.kind() == UnitKind.COPY && tenant.equals(u.slice().tenantId())
        && (table == null || table.equals(u.slice().table()))).toList();
  }

  private static Scope scope(String tenant, String table) {
    return new Scope(tenant, table);
  }

  @Test
  void aPausedTenantsUnitsAreNotClaimedTheOthersRunAndResumeHandsThemOut() {
    twoTenants();
    JobControl.Outcome paused = control.pause(job(), scope("a", null), h.now);
    assertThat(paused.refusal()).isNull();
    assertThat(paused.recorded()).isCompleted();
    assertThat(h.sink.jobs).last().satisfies(j -> assertThat(j.scopes()).containsExactly(new ScopeState("a", null, JobState.PAUSED)));

    h.runAll("w1");

    assertThat(copies("b", null)).isNotEmpty().allSatisfy(u -> assertThat(u.state()).isEqualTo(UnitState.DONE));
    assertThat(copies("a", null)).isNotEmpty().allSatisfy(u -> assertThat(u.state()).isEqualTo(UnitState.PENDING));
    assertThat(job().state()).as("the job waits for its paused tenant").isEqualTo(JobState.RUNNING);

    JobControl.Outcome resumed = control.resume(job(), scope("a", null), h.now);
    assertThat(resumed.refusal()).isNull();
    assertThat(resumed.job().scopes()).isNull();
    h.runAll("w1");
    assertThat(job().state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aPausedTableOfOneTenantHoldsThatCellOnlyAndItsUnitInFlightIsAskedToStop() {
    twoTenants();
    List<Assignment> inFlight = new ArrayList<>();
    // The prepares go first (each done at once), then the copies, which stay in flight.
    for (int round = 0; round < 5; round++) {
      for (Assignment a : h.claim("w2", 20)) {
        if (a.unit().kind() == UnitKind.COPY) {
          inFlight.add(a);
        } else {
          h.ok(a.unit(), "w2", 0);
        }
      }
    }
    List<String> aT = inFlight.stream().map(Assignment::unit)
        .filter(u -> "a".equals(u.slice().tenantId()) && "public.t".equals(u.slice().table())).map(u -> "j1/" + u.id()).toList();
    assertThat(aT).isNotEmpty();
    assertThat(inFlight).hasSizeGreaterThan(aT.size());

    control.pause(job(), scope("a", "public.t"), h.now);

    Heartbeat beat = new Heartbeat("w2", "host", 1, 20, inFlight.stream().map(a -> a.unit().jobId() + "/" + a.unit().id()).toList(), 0, 0, 0);
    assertThat(control.toStop(beat)).as("only the paused cell's unit stops").containsExactlyInAnyOrderElementsOf(aT);
    assertThat(copies("a", "public.u")).allSatisfy(u -> assertThat(u.state()).isNotEqualTo(UnitState.PENDING));
  }

  @Test
  void cancellingATenantLetsTheRestFinishAndTheJobEndsCancelledNamingIt() {
    twoTenants();
    JobControl.Outcome cancelled = control.cancel(job(), scope("b", null), h.now);
    assertThat(cancelled.refusal()).isNull();
    assertThat(cancelled.job().state()).isEqualTo(JobState.RUNNING);

    h.runAll("w1");

    assertThat(copies("a", null)).allSatisfy(u -> assertThat(u.state()).isEqualTo(UnitState.DONE));
    assertThat(copies("b", null)).allSatisfy(u -> assertThat(u.state()).isNotEqualTo(UnitState.DONE));
    assertThat(job().state()).as("a job succeeds only when nothing of it was cancelled").isEqualTo(JobState.CANCELLED);
    assertThat(job().error()).contains("tenant b");
    assertThat(job().finishedAt()).isEqualTo(h.now);
    assertThat(control.pause(job(), scope("a", null), h.now).refusal()).contains("job j1 is cancelled: a tenant or table of a finished job");
  }

  @Test
  void cancellingTheLastScopeLeftEndsTheJobAtOnce() {
    twoTenants();
    control.pause(job(), scope("b", null), h.now);
    h.runAll("w1");
    assertThat(job().state()).isEqualTo(JobState.RUNNING);

    JobControl.Outcome cancelled = control.cancel(job(), scope("b", null), h.now);

    assertThat(cancelled.job().state()).isEqualTo(JobState.CANCELLED);
    assertThat(h.sink.jobs).last().satisfies(j -> assertThat(j.state()).isEqualTo(JobState.CANCELLED));
  }

  @Test
  void repeatsChangeNothingAndConflictsAreRefusedWithTheReason() {
    twoTenants();
    assertThat(control.resume(job(), scope("a", null), h.now).refusal()).as("a scope not paused: nothing to do").isNull();
    control.pause(job(), scope("a", null), h.now);
    assertThat(control.pause(job(), scope("a", null), h.now).refusal()).isNull();
    assertThat(job().scopes()).hasSize(1);

    control.cancel(job(), scope("a", null), h.now);
    assertThat(job().scopes()).containsExactly(new ScopeState("a", null, JobState.CANCELLED));
    assertThat(control.cancel(job(), scope("a", null), h.now).refusal()).isNull();
    assertThat(control.pause(job(), scope("a", null), h.now).refusal()).contains("tenant a of job j1 is cancelled");
    assertThat(control.resume(job(), scope("a", null), h.now).refusal()).contains("cannot be resumed");
  }
}
