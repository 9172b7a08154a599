package io.ferry.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This worker's own figures for {@code GET /metrics} on its metrics port: active units, rows and bytes
 * written, time spent reading the source vs writing the target, rate-limit waits, and the JVM. Tags
 * are low-cardinality only (no job, table or key values: the coordinator has the per-job figures).
 */
final class WorkerMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter rows;
  private final Counter bytes;
  private final Timer read;
  private final Timer write;
  private final Counter rateLimitWait;
  private final Counter unitsFailed;

  WorkerMetrics(String workerId, Supplier<Number> activeUnits, int maxUnits) {
    registry.config().commonTags("worker", workerId);
    Gauge.builder("ferry_worker_active_units", activeUnits).description("units executing now").register(registry);
    Gauge.builder("ferry_worker_max_units", () -> maxUnits).description("units this worker runs at once").register(registry);
    rows = Counter.builder("ferry_worker_rows").description("rows committed to targets").register(registry);
    bytes = Counter.builder("ferry_worker_bytes").description("bytes committed to targets").register(registry);
    read = Timer.builder("ferry_worker_source_read").description("time per chunk spent reading and framing source rows")
        .register(registry);
    write = Timer.builder("ferry_worker_target_write").description("time per chunk spent writing and committing to the target")
        .register(registry);
    rateLimitWait = Counter.builder("ferry_worker_rate_limit_wait_seconds").description("time held back by job rate limits")
        .register(registry);
    unitsFailed = Counter.builder("ferry_worker_unit_failures").description("unit attempts that ended in an error").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  void committed(long rowsDelta, long bytesDelta) {
    rows.increment(rowsDelta);
    bytes.increment(bytesDelta);
  }

  void sourceRead(long nanos) {
    read.record(nanos, TimeUnit.NANOSECONDS);
  }

  void targetWrite(long nanos) {
    write.record(nanos, TimeUnit.NANOSECONDS);
  }

  void rateLimited(long millis) {
    rateLimitWait.increment(millis / 1000.0);
  }

  void unitFailed() {
    unitsFailed.increment();
  }

  String scrape() {
    return registry.scrape();
  }
}
