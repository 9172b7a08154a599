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

  @Option(names = "--out", defaultValue = "deploy/bench/results.md", description = "Where to write the result table.")
  Path out;

  record Row(String table, String unitRows, long rows, long bytes, double ferrySeconds, double pipeSeconds, long peakHeap,
             int unitCount) {
  }

  @Override
  public Integer call() throws Exception {
    BenchData data = new BenchData("jdbc:postgresql://" + host + ":" + port + "/", user);
    for (String table : tables) {
      data.ensure(table, scale, rebuild);
    }
    List<Row> rows = new ArrayList<>();
    Path logs = Files.createTempDirectory("ferry-bench-");
    try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
      cluster.startCoordinator();
      for (int i = 0; i < workers; i++) {
        cluster.startWorker(units);
      }
      ApiClient api = new ApiClient(cluster.apiUrl(), null);
      ClusterWait.ready(api, workers);
      PipeRun pipe = new PipeRun(data, host, port, user);
      for (String table : tables) {
        long unitRows = Math.max(1000, BenchData.rows(table, scale) / 40);
        List<Long> variants = table.equals("narrow") && finer > 1 ? List.of(unitRows, Math.max(100, unitRows / finer)) : List.of(unitRows);
        for (long size : variants) {
          rows.add(measure(api, cluster, data, pipe, table, size));
          System.out.println(format(rows.get(rows.size() - 1)));
        }
      }
    }
    data.dropTarget();
    String report = report(rows);
    System.out.println();
    System.out.println(report);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report);
    System.out.println("written to " + out + "; cluster logs in " + logs);
    return 0;
  }

  private Row measure(ApiClient api, ProcessCluster cluster, BenchData data, PipeRun pipe, String table, long unitRows)
      throws Exception {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "bench-" + table);
    spec.put("source", Map.of("engine", "postgresql", "tenants",
        List.of(Map.of("id", "bench", "url", "jdbc:postgresql://" + host + ":" + port + "/" + BenchData.SOURCE, "user", user))));
    spec.put("target", Map.of("engine", "postgresql", "url", "jdbc:postgresql://" + host + ":" + port + "/" + BenchData.TARGET,
        "user", user, "schema", "bench"));
    spec.put("tables", Map.of("include", List.of("public." + table)));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", unitRows, "bytes", 1L << 40));
    long started = System.nanoTime();
    JsonNode job;
    long peak;
    try (HeapSampler heap = new HeapSampler(cluster.workers())) {
      ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
      if (submitted.status() != 201) {
        throw new IllegalStateException("bench job refused: " + submitted.text());
      }
      // Polled every 100 ms: the end of the job is known to a tenth of a second, as the pipes' end is.
      job = ClusterWait.finished(api, submitted.body().path("id").asText(), j -> { }, 100);
      peak = heap.maxPeak();
    }
    double ferrySeconds = (System.nanoTime() - started) / 1e9;
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
    double pipeSeconds = pipe.run(table, ranges, workers * units);
    long copied = job.path("rows").path("done").asLong();
    if (pipe.targetRows(table) != copied) {
      throw new IllegalStateException("pipe copied " + pipe.targetRows(table) + " rows of " + table + ", Ferry " + copied);
    }
    return new Row(table, String.format(Locale.ROOT, "%,d", unitRows), copied, data.tableBytes(table), ferrySeconds,
        pipeSeconds, peak, ranges.size());
  }

  private String format(Row r) {
    double mb = r.bytes() / 1048576.0;
    return String.format(Locale.ROOT, "| %s | %s (%d units) | %,d | %,.0f | %.1f | %,.0f | %.1f | %.1f | %,.0f | %.1f | %.2f | %,.0f |",
        r.table(), r.unitRows(), r.unitCount(), r.rows(), mb, r.ferrySeconds(), r.rows() / r.ferrySeconds(), mb / r.ferrySeconds(),
        r.pipeSeconds(), r.rows() / r.pipeSeconds(), mb / r.pipeSeconds(), r.pipeSeconds() / r.ferrySeconds(),
        r.peakHeap() / 1048576.0);
  }

  private String report(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d workers × %d units (parallelism %d), scale %s, %d cores, Java %s%n%n",
        workers, units, workers * units, scale, Runtime.getRuntime().availableProcessors(), Runtime.version()));
    sb.append("| table | unit rows | rows | MB | Ferry s | Ferry rows/s | Ferry MB/s | pipe s | pipe rows/s | pipe MB/s | Ferry/pipe | worker peak heap MB |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> sb.append(format(r)).append('\n'));
    return sb.toString();
  }
}
