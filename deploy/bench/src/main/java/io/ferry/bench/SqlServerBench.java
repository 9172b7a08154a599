package io.ferry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SQL Server → PostgreSQL, side by side in one run: Ferry (W workers × U units) against the hand-written
 * pipe ({@link SqlServerPipe}) over Ferry's own key ranges at the same parallelism, and pgloader's
 * SQL Server source, per table; then Ferry alone on {@code blobs} (5 MB values) for the worker heap. Rates
 * are per stream: rows over copy seconds over the streams that ran at once.
 */
final class SqlServerBench {

  static final String PASSWORD_ENV = "FERRY_BENCH_MSSQL_PASSWORD";

  /** One table: Ferry, the pipe and pgloader (null when not run). */
  record Row(String table, int run, long rows, long bytes, int units, int parallelism, FerryPhases ferry, PipeRun.Timing pipe,
      PgLoaderRun.Outcome pgloader, long peakHeap) {

    double ferryPerStream() {
      return rows / ferry.copySeconds() / Math.min(parallelism, units);
    }

    double pipePerStream() {
      return pipe == null ? Double.NaN : rows / pipe.copySeconds() / Math.min(parallelism, units);
    }
  }

  private final SqlServerBenchData source;
  private final BenchData target;
  private final String pgHost;
  private final int pgPort;
  private final String pgUser;
  private final int workers;
  private final int units;
  private final Duration pgloaderTimeout;

  SqlServerBench(SqlServerBenchData source, BenchData target, String pgHost, int pgPort, String pgUser, int workers, int units,
      Duration pgloaderTimeout) {
    this.source = source;
    this.target = target;
    this.pgHost = pgHost;
    this.pgPort = pgPort;
    this.pgUser = pgUser;
    this.workers = workers;
    this.units = units;
    this.pgloaderTimeout = pgloaderTimeout;
  }

  /** Builds what is missing, measures every table, and returns the Markdown report. */
  String run(List<String> tables, double scale, boolean rebuild, boolean warmup, int repeat) throws Exception {
    List<String> all = new ArrayList<>(tables);
    all.add(SqlServerBenchData.BLOBS);
    target.ensure(BenchData.WARMUP, 1.0, false); // creates the target database too
    for (String table : all) {
      source.ensure(table, scale, rebuild);
    }
    List<Row> rows = new ArrayList<>();
    Path logs = Files.createTempDirectory("ferry-bench-mssql-");
    SqlServerPipe pipe = new SqlServerPipe(source, target);
    PgLoaderRun pgloader = PgLoaderRun.installed()
        ? new PgLoaderRun(source, target, pgHost, pgPort, pgUser, workers * units, pgloaderTimeout) : null;
    try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
      cluster.environment(PASSWORD_ENV, source.password());
      ApiClient api = BenchCommand.start(cluster, workers, units);
      if (warmup) {
        long started = System.nanoTime();
        // Both sides warm: the workers run each job once, and this JVM runs the pipe once over each table, so
        // neither is measured while its JIT compiles the read and encode path.
        for (String table : tables) {
          runJob(api, table, scale);
          target.clearBefore("bench", table);
          pipe.run(table, List.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}), 1);
        }
        System.out.printf(Locale.ROOT, "warm-up: each measured job and pipe once, in %.1f s (not measured)%n",
            (System.nanoTime() - started) / 1e9);
      }
      // Runs take turns table by table, so a machine whose load changes during the run favours no table.
      for (int run = 1; run <= repeat; run++) {
        for (String table : run == 1 ? all : tables) {
          rows.add(measure(api, cluster, pipe, run == 1 ? pgloader : null, table, scale, run));
          System.out.println(format(rows.get(rows.size() - 1)));
        }
      }
    } finally {
      if (pgloader != null) {
        pgloader.drop();
      }
    }
    target.dropTarget();
    System.out.println("cluster logs in " + logs);
    return report(rows, scale, pgloader != null);
  }

  private long unitRows(String table, double scale) {
    return Math.max(1000, SqlServerBenchData.rows(table, scale) / 10);
  }

  private Map<String, Object> spec(String table, double scale) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "bench-mssql-" + table);
    spec.put("source", Map.of("engine", "sqlserver", "tenants", List.of(Map.of("id", "bench", "url", source.sourceUrl(),
        "user", source.user(), "password", "${env:" + PASSWORD_ENV + "}"))));
    spec.put("target", Map.of("engine", "postgresql", "url", "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + BenchData.TARGET,
        "user", pgUser, "schema", "bench"));
    spec.put("tables", Map.of("include", List.of("dbo." + table)));
    spec.put("mode", "drop_recreate");
    // The copy's throughput is measured: a verification after it would count in the job's time.
    spec.put("verify", "none");
    spec.put("unit", Map.of("rows", unitRows(table, scale), "bytes", 1L << 40));
    return spec;
  }

  private JsonNode runJob(ApiClient api, String table, double scale) throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec(table, scale)), "application/json");
    if (submitted.status() != 201) {
      throw new IllegalStateException("bench job refused: " + submitted.text());
    }
    JsonNode job = ClusterWait.finished(api, submitted.body().path("id").asText(), j -> { }, 100);
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new IllegalStateException("bench job did not succeed: " + job);
    }
    return job;
  }

  private Row measure(ApiClient api, ProcessCluster cluster, SqlServerPipe pipe, PgLoaderRun pgloader, String table, double scale,
      int run) throws Exception {
    target.clearBefore("bench", table);
    FerryPhases phases = new FerryPhases(System.nanoTime());
    JsonNode job;
    long peak;
    try (HeapSampler heap = new HeapSampler(cluster.workers())) {
      ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec(table, scale)), "application/json");
      if (submitted.status() != 201) {
        throw new IllegalStateException("bench job refused: " + submitted.text());
      }
      job = ClusterWait.finished(api, submitted.body().path("id").asText(), j -> phases.seen(j.path("phase").asText(), System.nanoTime()), 100);
      phases.ended(System.nanoTime());
      peak = heap.maxPeak();
    }
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new IllegalStateException("bench job did not succeed: " + job);
    }
    long copied = job.path("rows").path("done").asLong();
    long bytes = job.path("bytes").path("done").asLong();
    List<long[]> ranges = UnitRanges.of(api, job.path("id").asText(), "copy");
    int parallelism = workers * units;
    if (table.equals(SqlServerBenchData.BLOBS)) {
      return new Row(table, run, copied, bytes, ranges.size(), parallelism, phases, null, null, peak);
    }
    PipeRun.Timing pipeTiming = pipe.run(table, ranges, parallelism);
    if (pipe.targetRows(table) != copied) {
      throw new IllegalStateException("the pipe copied " + pipe.targetRows(table) + " rows of " + table + ", Ferry " + copied);
    }
    PgLoaderRun.Outcome loaded = pgloader == null ? null : pgloader.run(table);
    return new Row(table, run, copied, bytes, ranges.size(), parallelism, phases, pipeTiming, loaded, peak);
  }

  static String format(Row r) {
    return String.format(Locale.ROOT, "| %s | %d | %,d | %d | %d | %.1f | %.1f | %,.0f | %s | %s | %s | %s | %,.0f |", r.table(), r.run(),
        r.rows(),
        r.units(), r.parallelism(), r.ferry().seconds(), r.ferry().copySeconds(), r.ferryPerStream(),
        r.pipe() == null ? "—" : String.format(Locale.ROOT, "%.1f + %.1f", r.pipe().copySeconds(), r.pipe().finishSeconds()),
        r.pipe() == null ? "—" : String.format(Locale.ROOT, "%,.0f", r.pipePerStream()),
        r.pipe() == null ? "—" : String.format(Locale.ROOT, "%.2f", r.ferryPerStream() / r.pipePerStream()),
        r.pgloader() == null ? "—" : r.pgloader().error() == null
            ? String.format(Locale.ROOT, "%.1f (%,d rows)", r.pgloader().seconds(), r.pgloader().rows()) : r.pgloader().error(),
        r.peakHeap() / 1048576.0);
  }

  private String report(List<Row> rows, double scale, boolean pgloader) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "SQL Server → PostgreSQL, %d workers × %d units (parallelism %d), scale %s, %d cores, Java %s; source %s, database %s%n%n",
        workers, units, workers * units, scale, Runtime.getRuntime().availableProcessors(), Runtime.version(),
        source.url().replaceAll("(?i)(password|pwd)=[^;]*", "$1=***"), SqlServerBenchData.DATABASE));
    sb.append("| table | run | rows | units | parallelism | Ferry s | Ferry copy s | Ferry rows/s per stream | pipe copy + key s"
        + " | pipe rows/s per stream | Ferry/pipe per stream | pgloader s | worker peak heap MB |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> sb.append(format(r)).append('\n'));
    Map<String, List<Row>> byTable = new LinkedHashMap<>();
    rows.stream().filter(r -> r.pipe() != null).forEach(r -> byTable.computeIfAbsent(r.table(), k -> new ArrayList<>()).add(r));
    if (byTable.values().stream().anyMatch(l -> l.size() > 1)) {
      sb.append("\nOver the runs (median, and the range):\n\n| table | runs | Ferry rows/s per stream | pipe rows/s per stream"
          + " | Ferry/pipe per stream |\n|---|---|---|---|---|\n");
      byTable.forEach((table, l) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", table, l.size(),
          Spread.of(l.stream().map(Row::ferryPerStream).toList()).withRange("%,.0f"),
          Spread.of(l.stream().map(Row::pipePerStream).toList()).withRange("%,.0f"),
          Spread.of(l.stream().map(r -> r.ferryPerStream() / r.pipePerStream()).toList()).withRange("%.2f"))));
    }
    if (!pgloader) {
      sb.append("\npgloader is not installed (apt-get install -y pgloader): not measured.\n");
    }
    return sb.toString();
  }
}
