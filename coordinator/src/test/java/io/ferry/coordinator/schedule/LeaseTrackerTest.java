package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseTrackerTest {

  private static SchedulerHarness jobWithCopiesLeasedBy(String worker) {
    SchedulerHarness h = new SchedulerHarness();
    h.addJob("j1", List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10))), "a");
    h.ok(h.claim(worker, 1).get(0).unit(), worker, 0);
    assertThat(h.claim(worker, 2)).hasSize(2);
    return h;
  }

  private static Heartbeat heartbeat(String worker, List<String> units) {
    return new Heartbeat(worker, "host", 42, 4, units, 0, 0, 0);
  }

  @Test
  void anExpiredLeaseGoesBackToPendingAndKeepsItsAttempt() {
    SchedulerHarness h = jobWithCopiesLeasedBy("w1");
    h.now += SchedulerHarness.LEASE + 1;

    assertThat(h.leases.expire(h.now)).isEqualTo(2);

    WorkUnit u = h.unit("j1", "copy:a:public.t:0000");
    assertThat(u.state()).isEqualTo(UnitState.PENDING);
    assertThat(u.lease().workerId()).isNull();
    assertThat(u.lease().attempts()).isEqualTo(1);
    assertThat(h.sink.units).last().satisfies(w -> assertThat(w.state()).isEqualTo(UnitState.PENDING));
  }

  @Test
  void heartbeatsRenewHeldLeasesAndNameTheLostOnes() {
    SchedulerHarness h = jobWithCopiesLeasedBy("w1");
    h.now += SchedulerHarness.LEASE - 1;

    List<String> lost = h.leases.renew(heartbeat("w1", List.of("copy:a:public.t:0000", "j1/copy:a:public.t:0001", "copy:a:public.t:0002")), h.now);

    assertThat(lost).containsExactly("copy:a:public.t:0002");
    h.now += 2;
    assertThat(h.leases.expire(h.now)).isZero();
    assertThat(h.unit("j1", "copy:a:public.t:0000").lease().expiresAt()).isEqualTo(h.now - 2 + SchedulerHarness.LEASE);
    assertThat(h.leases.renew(heartbeat("w2", List.of("copy:a:public.t:0000")), h.now))
        .as("another worker does not hold it").containsExactly("copy:a:public.t:0000");
  }

  /**
   * A successor a worker holds unstarted is pending work, for the autoscaler's metric and for the job
   * status, until a heartbeat names it running or it reports progress.
   */
  @Test
  void unitsAWorkerHoldsUnstartedCountAsPendingUntilTheyStart() {
    SchedulerHarness h = jobWithCopiesLeasedBy("w1");
    io.ferry.coordinator.progress.ThroughputTracker throughput = new io.ferry.coordinator.progress.ThroughputTracker();
    io.ferry.coordinator.progress.JobStatusView view = new io.ferry.coordinator.progress.JobStatusView(h.board, throughput);
    io.ferry.coordinator.progress.FerryMetrics metrics = new io.ferry.coordinator.progress.FerryMetrics(h.board,
        new WorkerRegistry(), throughput,
        new io.ferry.coordinator.limit.Permits(h.board, new io.ferry.coordinator.limit.JobRateLimiter(System::nanoTime)));
    metrics.watch("j1");
    List<String> both = List.of("j1/copy:a:public.t:0000", "j1/copy:a:public.t:0001");

    h.leases.renew(new Heartbeat("w1", "host", 42, 4, both, 0, 0, 0, List.of("j1/copy:a:public.t:0001")), h.now);

    var units = view.summary(h.board.job("j1"), h.now).getJsonObject("units");
    assertThat(units.getLong("pending")).as("copy 0002 in the queue, 0001 held unstarted").isEqualTo(2);
    assertThat(units.getLong("leased")).isEqualTo(1);
    assertThat(units.getLong("held")).isEqualTo(1);
    assertThat(units.getLong("total")).isEqualTo(5);
    assertThat(metrics.scrape()).contains("ferry_units{job=\"j1\",state=\"pending\"} 2.0")
        .contains("ferry_units{job=\"j1\",state=\"leased\"} 1.0");
    assertThat(h.unit("j1", "copy:a:public.t:0001").state()).as("still leased: its lease is renewed").isEqualTo(UnitState.LEASED);

    h.leases.renew(new Heartbeat("w1", "host", 42, 4, both, 0, 0, 0, List.of()), h.now);
    assertThat(view.summary(h.board.job("j1"), h.now).getJsonObject("units").getLong("pending")).isEqualTo(1);
  }

  @Test
  void aWorkerThatLeavesTheClusterReleasesItsUnitsAtOnce() {
    SchedulerHarness h = jobWithCopiesLeasedBy("member-1");
    List<Assignment> other = h.claim("member-2", 1);
    assertThat(other).hasSize(1);

    assertThat(h.leases.releaseWorker("member-1")).isEqualTo(2);

    assertThat(h.board.leased()).extracting((WorkUnit u) -> u.lease().workerId()).containsExactly("member-2");
    assertThat(h.claim("member-3", 5)).hasSize(2);
  }

  @Test
  void atStartUpTheLeasesOfWorkersNoLongerInTheClusterGoBackAtOnce() {
    SchedulerHarness h = jobWithCopiesLeasedBy("gone");
    assertThat(h.claim("alive", 1)).hasSize(1);

    assertThat(h.leases.releaseAbsent(Set.of("alive", "coordinator"))).isEqualTo(2);

    assertThat(h.board.leased()).extracting((WorkUnit u) -> u.lease().workerId()).containsExactly("alive");
    assertThat(h.board.units("j1")).filteredOn(u -> u.state() == UnitState.PENDING).hasSize(2)
        .allSatisfy(u -> assertThat(u.lease().attempts()).as("the claim counted").isEqualTo(1));
    assertThat(h.claim("alive", 5)).hasSize(2);
  }

  @Test
  void workersSilentForTooLongLeaveTheRegistry() {
    WorkerRegistry workers = new WorkerRegistry();
    workers.seen(heartbeat("w1", List.of()), 1_000);
    workers.seen(heartbeat("w2", List.of()), 20_000);
    workers.expire(31_001, 30_000);
    assertThat(workers.list()).extracting(WorkerRegistry.WorkerInfo::id).containsExactly("w2");
  }
}
