package io.ferry.coordinator.progress;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.limit.JobRateLimiter;
import io.ferry.coordinator.limit.Permits;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.UnitSize;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FerryMetricsTest {

  private final JobBoard board = new JobBoard(new RecordingSink());
  private final FerryMetrics metrics = new FerryMetrics(board, new WorkerRegistry(), new ThroughputTracker(),
      new Permits(board, new JobRateLimiter(System::nanoTime)));

  @AfterEach
  void close() {
    metrics.close();
  }

  private JobRecord job(String id, JobState state) {
    List<TablePlan> plans = List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10)));
    JobRecord job = new JobRecord(id, id, Fixtures.spec(id, "jdbc:postgresql://127.0.0.1/target", "pw", "a").withoutSecrets(),
        state, JobPhase.COPY, 1_000L, 1_000L, null, plans, null);
    board.add(job, UnitPlanner.units(id, plans, new UnitSize(10_000L, 1L << 40)));
    metrics.watch(id);
    return job;
  }

  @Test
  void eachJobHasOneSeriesPerStateAndOnlyItsStateIsOne() {
    JobRecord running = job("j1", JobState.RUNNING);
    job("j2", JobState.FAILED);

    String scrape = metrics.scrape();
    assertThat(scrape).contains("ferry_job_state{job=\"j1\",state=\"running\"} 1.0", "ferry_job_state{job=\"j1\",state=\"paused\"} 0.0",
        "ferry_job_state{job=\"j2\",state=\"failed\"} 1.0", "ferry_job_state{job=\"j2\",state=\"running\"} 0.0");
    assertThat(scrape.lines().filter(l -> l.startsWith("ferry_job_state{job=\"j1\"")))
        .hasSize(JobState.values().length)
        .filteredOn(l -> l.endsWith(" 1.0")).hasSize(1);

    board.save(running.withState(JobState.PAUSED, null, null));

    assertThat(metrics.scrape()).contains("ferry_job_state{job=\"j1\",state=\"paused\"} 1.0",
        "ferry_job_state{job=\"j1\",state=\"running\"} 0.0");
  }

  @Test
  void theCoordinatorsJvmAndProcessAreMeasured() {
    assertThat(metrics.scrape()).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ",
        "process_cpu_usage ", "system_cpu_count ", "process_uptime_seconds ", "process_start_time_seconds ",
        "process_files_open_files ");
  }

  @Test
  void aJobsEventCountersExistAtZeroFromItsStart() {
    job("j3", JobState.RUNNING);

    assertThat(metrics.scrape()).contains("ferry_unit_retries_total{job=\"j3\"} 0.0", "ferry_unit_errors_total{job=\"j3\"} 0.0",
        "ferry_rows_rejected_total{job=\"j3\",table=\"public.t\"} 0.0");
  }
}
