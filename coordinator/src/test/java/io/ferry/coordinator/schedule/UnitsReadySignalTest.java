package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The job board says when units may have become claimable, so the coordinator can wake idle workers. */
class UnitsReadySignalTest {

  private final AtomicInteger signals = new AtomicInteger();
  private final JobBoard board = new JobBoard(new RecordingSink(), signals::incrementAndGet);
  private final Unblocker unblocker = new Unblocker(board);

  @Test
  void signalsWhenARunningJobArrivesWithPendingUnitsAndWhenAPrepareUnblocksCopies() {
    JobRecord job = add(JobState.RUNNING);
    assertThat(signals).as("the prepare unit is ready").hasValue(1);

    WorkUnit prepare = board.unit(job.id(), "prepare:public.orders");
    board.save(prepare.leased("w1", 10_000));
    assertThat(signals).as("a lease makes nothing ready").hasValue(1);

    board.save(board.unit(job.id(), prepare.id()).withState(UnitState.DONE));
    unblocker.settle(job.id(), 1);
    assertThat(signals.get()).as("the copies became pending").isGreaterThan(1);
  }

  @Test
  void aPausedJobSignalsOnlyWhenItRunsAgain() {
    JobRecord job = add(JobState.PAUSED);
    assertThat(signals).hasValue(0);

    board.save(job.withState(JobState.RUNNING, null, null));

    assertThat(signals).hasValue(1);
  }

  private JobRecord add(JobState state) {
    List<TablePlan> plans = List.of(plan("a", "public.orders", 50_000, 1_000, quantiles(100, 100)));
    JobRecord job = new JobRecord("j1", "j1", Fixtures.spec("j1", "jdbc:postgresql://127.0.0.1/target", "pw", "a").withoutSecrets(),
        state, JobPhase.PREPARE, 1, 1L, null, plans, null);
    board.add(job, UnitPlanner.units(job.id(), plans, new UnitSize(10_000L, 1L << 40)));
    return job;
  }
}
