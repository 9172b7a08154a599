package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.limit.Permits;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.ProgressListener;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The coordinator's Prometheus metrics. Tags are job, table and state only (low cardinality: never a
 * unit, range or tenant id). Fed by the same progress reports as the throughput tracker. Plus the
 * coordinator's own JVM and process: memory, GC, threads, CPU, open files, uptime.
 */
public final class FerryMetrics implements ProgressListener, AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ThroughputTracker throughput;
  private final JobBoard board;
  private final Set<String> jobsWithGauges = new HashSet<>();
  /** Job and table pairs whose copied counters are registered: a progress report must not register them again. */
  private final Set<List<String>> tablesWithCounters = new HashSet<>();

  private final Permits permits;
  /** Listens to the JVM's GC notifications until closed. */
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public FerryMetrics(JobBoard board, WorkerRegistry workers, ThroughputTracker throughput, Permits permits) {
    this.board = board;
    this.throughput = throughput;
    this.permits = permits;
    Gauge.builder("ferry.workers", workers, WorkerRegistry::size)
        .description("workers heard from recently").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  @Override
  public void advanced(WorkUnit unit, long rowsDelta, long bytesDelta, long now) {
    throughput.record(unit.jobId(), rowsDelta, bytesDelta, now);
    if (unit.kind() == UnitKind.COPY && unit.slice().table() != null) {
      copied(unit.jobId(), unit.slice().table());
    }
  }

  /**
   * The copied rows and bytes of a job's table, read from its copy units when scraped: the rows a
   * rollback deleted leave the count with the units' reset (Prometheus sees a counter reset), and a
   * restarted coordinator counts what its units hold instead of starting at 0.
   */
  private void copied(String jobId, String table) {
    if (!tablesWithCounters.add(List.of(jobId, table))) {
      return;
    }
    FunctionCounter.builder("ferry.rows.copied", board, b -> b.copiedRows(jobId, table))
        .description("rows the job's copy units committed to the target table and still hold")
        .tag("job", jobId).tag("table", table).register(registry);
    FunctionCounter.builder("ferry.bytes.copied", board, b -> b.copiedBytes(jobId, table))
        .description("bytes the job's copy units committed to the target table and still hold")
        .tag("job", jobId).tag("table", table).register(registry);
  }

  @Override
  public void rejected(WorkUnit unit, long rowsDelta) {
    rejectedRows(unit.jobId(), Objects.requireNonNullElse(unit.slice().table(), "*")).increment(rowsDelta);
  }

  @Override
  public void retried(WorkUnit unit) {
    retries(unit.jobId()).increment();
  }

  @Override
  public void failed(WorkUnit unit) {
    errors(unit.jobId()).increment();
  }

  private Counter rejectedRows(String jobId, String table) {
    return Counter.builder("ferry.rows.rejected").description("rows the target rejected, recorded in ferry.rejects")
        .tag("job", jobId).tag("table", table).register(registry);
  }

  private Counter retries(String jobId) {
    return Counter.builder("ferry.unit.retries").description("failed unit attempts put back in the queue")
        .tag("job", jobId).register(registry);
  }

  private Counter errors(String jobId) {
    return Counter.builder("ferry.unit.errors").description("units failed for good").tag("job", jobId).register(registry);
  }

  /** Registers the per-state unit gauges of a job (once). The gauges read the board when scraped. */
  public void watch(String jobId) {
    if (!jobsWithGauges.add(jobId)) {
      return;
    }
    // One series per state, 1 for the job's state and 0 for the others: a query can count jobs by state.
    for (JobState state : JobState.values()) {
      Gauge.builder("ferry.job.state", () -> board.job(jobId) != null && board.job(jobId).state() == state ? 1 : 0)
          .description("1 for the job's state, 0 for the other states")
          .tag("job", jobId).tag("state", state.wireName()).register(registry);
    }
    for (UnitState state : UnitState.values()) {
      Gauge.builder("ferry.units", () -> board.waitingCounts(jobId).get(state))
          .description("work units by state; pending includes units a worker holds unstarted")
          .tag("job", jobId).tag("state", state.wireName()).register(registry);
    }
    Gauge.builder("ferry.throughput.rows.per.second", () -> throughput.rate(jobId, System.currentTimeMillis()).rowsPerSecond())
        .description("rows committed per second now (over 5 s, longer when reports are sparse)").tag("job", jobId).register(registry);
    Gauge.builder("ferry.throughput.bytes.per.second", () -> throughput.rate(jobId, System.currentTimeMillis()).bytesPerSecond())
        .description("bytes committed per second now (over 5 s, longer when reports are sparse)").tag("job", jobId).register(registry);
    // The event counters exist at 0 from the job's start: a rate over them, and a dashboard panel, then
    // reads 0 rather than no data until the first retry, failure or rejected row.
    retries(jobId);
    errors(jobId);
    board.units(jobId).stream().filter(u -> u.kind() == UnitKind.COPY).map(u -> u.slice().table()).filter(Objects::nonNull)
        .distinct().forEach(table -> {
          copied(jobId, table);
          rejectedRows(jobId, table);
        });
    FunctionCounter.builder("ferry.rate.limit.wait.seconds", permits, p -> p.waitedSeconds(jobId))
        .description("time the job's writers were held back by its rate limits").tag("job", jobId).register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
  }
}
