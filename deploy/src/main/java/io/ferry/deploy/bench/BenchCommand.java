package io.ferry.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark (deploy/bench/run.sh): Ferry with W workers × U units against parallel psql binary COPY
 * pipes over the same key ranges at the same parallelism, per table, with each worker's peak heap.
 */
@Command(name = "bench", hidden = true, mixinStandardHelpOptions = true,
    description = "Benchmark Ferry against psql COPY pipes on a local PostgreSQL (see docs/benchmarks.md).")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--pg-host", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--pg-port", defaultValue = "5432")
  int port;

  @Option(names = "--pg-user", defaultValue = "postgres")
  String user;

  @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--units", defaultValue = "2", description = "Units per worker at once (default: ${DEFAULT-VALUE}).")
  int units;

  @Option(names = "--tables", defaultValue = "narrow,wide,skewed", split = ",")
  List<String> tables;

  @Option(names = "--scale", defaultValue = "1.0", description = "Row count multiplier (1.0: 10 M / 1 M / 3 M rows).")
  double scale;

  @Option(names = "--rebuild", description = "Rebuild the source tables even if they exist.")
  boolean rebuild;

  @Option(names = "--finer", defaultValue = "10", description = "Also run narrow with units this many times smaller.")
  int finer;

  @Option(names = "--repeat", defaultValue = "1",
      description = "Measure each table this many times, and report the spread (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run three unmeasured jobs first (20, 200 and 1,000 units), so the coordinator and workers are measured JIT-compiled as in a running cluster (default: ${DEFAULT-VALUE}).")
  boolean warmup;

  @Option(names = "--out", defaultValue = "deploy/bench/results.md", description = "Where to write the result table.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (repeat < 1 || finer < 1) {
      System.err.println("--repeat and --finer must be at least 1");
      return 2;
    }
    BenchData data = new BenchData("jdbc:postgresql://" + host + ":" + port + "/", user);
    try (BenchLock lock = BenchLock.acquire(data)) {
      return run(data);
    }
  }

  private int run(BenchData data) throws Exception {
    for (String table : tables) {
      data.ensure(table, scale, rebuild);
    }
    List<BenchReport.Row> rows = new ArrayList<>();
    Path logs = Files.createTempDirectory("ferry-bench-");
    try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
      cluster.startCoordinator();
      for (int i = 0; i < workers; i++) {
        cluster.startWorker(units);
      }
      ApiClient api = new ApiClient(cluster.apiUrl(), null);
      ClusterWait.ready(api, workers);
      if (warmup) {
        warmUp(api, data);
      }
      PipeRun pipe = new PipeRun(data, host, port, user);
      for (String table : tables) {
        long unitRows = Math.max(1000, BenchData.rows(table, scale) / 40);
        List<Long> variants = table.equals("narrow") && finer > 1 ? List.of(unitRows, Math.max(100, unitRows / finer)) : List.of(unitRows);
        for (int run = 1; run <= repeat; run++) {
          // Every other run starts with the other size: a machine that speeds up or slows down during the
          // benchmark then favours neither.
          for (long size : run % 2 == 1 ? variants : variants.reversed()) {
            rows.add(measure(api, cluster, data, pipe, table, size, run));
            System.out.println(BenchReport.format(rows.get(rows.size() - 1)));
          }
        }
      }
    }
    data.dropTarget();
    String report = BenchReport.of(setting(), rows);
    System.out.println();
    System.out.println(report);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report);
    System.out.println("written to " + out + "; cluster logs in " + logs);
    return 0;
  }

  private Map<String, Object> spec(String table, long unitRows) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "bench-" + table);
    spec.put("source", Map.of("engine", "postgresql", "tenants",
        List.of(Map.of("id", "bench", "url", "jdbc:postgresql://" + host + ":" + port + "/" + BenchData.SOURCE, "user", user))));
    spec.put("target", Map.of("engine", "postgresql", "url", "jdbc:postgresql://" + host + ":" + port + "/" + BenchData.TARGET,
        "user", user, "schema", "bench"));
    spec.put("tables", Map.of("include", List.of("public." + table)));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", unitRows, "bytes", 1L << 40));
    return spec;
  }

  /**
   * Coordinator and workers are long-lived services: a fresh JVM spends its first seconds compiling the
   * copy path (JIT), which on this 2-core machine took about 5 CPU seconds from the PostgreSQL backends
   * during the first measured job, and the coordinator's per-unit paths (claim, result, the unit's state
   * written through to the target) take about a thousand units to be compiled: until then a unit cost
   * the coordinator ~4 ms of CPU, after it ~1.5 ms (see docs/benchmarks.md). Three unmeasured jobs over a
   * small table first, of 20, 200 and 1,000 units, so the figures are those of a running cluster;
   * {@code --no-warmup} measures cold processes.
   */
  private void warmUp(ApiClient api, BenchData data) throws Exception {
    data.ensure(BenchData.WARMUP, 1.0, false);
    long started = System.nanoTime();
    long tableRows = BenchData.rows(BenchData.WARMUP, 1.0);
    for (long unitRows : new long[] {tableRows / 20, tableRows / 200, tableRows / 1000}) {
      ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec(BenchData.WARMUP, unitRows)), "application/json");
      if (submitted.status() != 201) {
        throw new IllegalStateException("warm-up job refused: " + submitted.text());
      }
      JsonNode job = ClusterWait.finished(api, submitted.body().path("id").asText(), j -> { }, 100);
      if (!"succeeded".equals(job.path("state").asText())) {
        throw new IllegalStateException("warm-up job did not succeed: " + job);
      }
    }
    System.out.printf(Locale.ROOT, "warm-up: 3 jobs over %s in %.1f s (not measured)%n", BenchData.WARMUP,
        (System.nanoTime() - started) / 1e9);
  }

  private BenchReport.Row measure(ApiClient api, ProcessCluster cluster, BenchData data, PipeRun pipe, String table,
      long unitRows, int run) throws Exception {
    Map<String, Object> spec = spec(table, unitRows);
    List<Process> ferryProcesses = new ArrayList<>(cluster.workers());
    ferryProcesses.add(cluster.coordinator());
    double ferryCpuBefore = ClientCpu.of(ferryProcesses);
    FerryPhases phases = new FerryPhases(System.nanoTime());
    JsonNode job;
    long peak;
    try (HeapSampler heap = new HeapSampler(cluster.workers())) {
      ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
      if (submitted.status() != 201) {
        throw new IllegalStateException("bench job refused: " + submitted.text());
      }
      // Polled every 100 ms: the end of the job is known to a tenth of a second, as the pipes' end is.
      job = ClusterWait.finished(api, submitted.body().path("id").asText(),
          j -> phases.seen(j.path("phase").asText(), System.nanoTime()), 100);
      phases.ended(System.nanoTime());
      peak = heap.maxPeak();
    }
    double ferryCpu = ClientCpu.of(ferryProcesses) - ferryCpuBefore;
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new IllegalStateException("bench job did not succeed: " + job);
    }
    List<long[]> ranges = new ArrayList<>();
    for (JsonNode unit : api.get("/api/v1/jobs/" + job.path("id").asText() + "/units").body().path("units")) {
      if ("copy".equals(unit.path("kind").asText())) {
        JsonNode range = unit.path("range");
        ranges.add(new long[] {
            range.path("lower").isArray() ? range.path("lower").get(0).asLong() : Long.MIN_VALUE,
            range.path("upper").isArray() ? range.path("upper").get(0).asLong() : Long.MAX_VALUE});
      }
    }
    double pipeCpuBefore = ClientCpu.endedChildren();
    PipeRun.Timing pipeTiming = pipe.run(table, ranges, workers * units);
    double pipeCpu = ClientCpu.endedChildren() - pipeCpuBefore;
    long copied = job.path("rows").path("done").asLong();
    if (pipe.targetRows(table) != copied) {
      throw new IllegalStateException("pipe copied " + pipe.targetRows(table) + " rows of " + table + ", Ferry " + copied);
    }
    return new BenchReport.Row(table, run, String.format(Locale.ROOT, "%,d", unitRows), copied, data.tableBytes(table), phases,
        pipeTiming, peak, ranges.size(), ferryCpu, pipeCpu);
  }

  private String setting() {
    return String.format(Locale.ROOT, "%d workers × %d units (parallelism %d), scale %s, %s, %d cores, Java %s",
        workers, units, workers * units, scale, warmup ? "after a warm-up" : "cold workers (no warm-up)",
        Runtime.getRuntime().availableProcessors(), Runtime.version());
  }
}
