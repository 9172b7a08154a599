package io.ferry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verification PostgreSQL → PostgreSQL, side by side in one run ({@code run.sh --verify}): per table, a
 * Ferry job of mode {@code verify} (W workers × U units) comparing the source table with its copy, against
 * {@code SELECT count(*)} of the same key ranges on both databases at the same parallelism
 * ({@link CountRun}). Each table is copied once by Ferry first (not measured). Both rates count the table's
 * rows once: rows compared per second, rows counted on both sides per second.
 */
final class VerifyBench {

  /**
   * One measured pair.
   *
   * @param setupSeconds the verify job's {@code POST} (its preflight), not in {@code verifySeconds}
   * @param verifySeconds from the job's acceptance until it succeeded (polled every 100 ms)
   * @param load          the 1-minute load average before and after the pair
   */
  record Row(String table, int run, long rows, int units, int parallelism, double setupSeconds, double verifySeconds,
             double countSeconds, String load) {

    double verifyRate() {
      return rows / verifySeconds;
    }

    double countRate() {
      return rows / countSeconds;
    }

    /** Verify rows/s over count(*) rows/s. */
    double ratio() {
      return countSeconds / verifySeconds;
    }
  }

  private final BenchData data;
  private final String server;
  private final String user;
  private final int workers;
  private final int units;
  /** Each table's ranges, from its last verify job. */
  private final Map<String, List<long[]>> ranges = new HashMap<>();

  VerifyBench(BenchData data, String host, int port, String user, int workers, int units) {
    this.data = data;
    this.server = "jdbc:postgresql://" + host + ":" + port + "/";
    this.user = user;
    this.workers = workers;
    this.units = units;
  }

  /** Builds and copies what is missing, measures every table {@code repeat} times, and returns the Markdown report. */
  String run(List<String> tables, double scale, boolean rebuild, boolean warmup, int repeat) throws Exception {
    for (String table : tables) {
      data.ensure(table, scale, rebuild);
    }
    List<Row> rows = new ArrayList<>();
    Path logs = Files.createTempDirectory("ferry-bench-verify-");
    CountRun count = new CountRun(data);
    try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
      ApiClient api = BenchCommand.start(cluster, workers, units);
      long started = System.nanoTime();
      for (String table : tables) {
        data.clearBefore("bench", table);
        BenchCommand.runJob(api, BenchCommand.spec(server, user, table, unitRows(table, scale), "drop_recreate"), "copy");
        if (warmup) {
          submit(api, table, scale);
        }
      }
      System.out.printf(Locale.ROOT, "copied %s%s in %.1f s (not measured)%n", tables,
          warmup ? " and verified each once" : "", (System.nanoTime() - started) / 1e9);
      for (int run = 1; run <= repeat; run++) {
        for (String table : tables) {
          rows.add(measure(api, count, table, scale, run));
          System.out.println(format(rows.get(rows.size() - 1)));
        }
      }
    }
    data.dropTarget();
    System.out.println("cluster logs in " + logs);
    return report(rows, scale, warmup);
  }

  private static long unitRows(String table, double scale) {
    return Math.max(1000, BenchData.rows(table, scale) / 40);
  }

  /**
   * The verify job and the counts over its ranges. Every other run counts first (over the ranges of the
   * table's last verify job, which every run before it left), so a machine whose load changes during the
   * pair favours neither.
   */
  private Row measure(ApiClient api, CountRun count, String table, double scale, int run) throws Exception {
    String loadBefore = ClientCpu.loadAverage();
    int parallelism = workers * units;
    long tableRows = BenchData.rows(table, scale);
    List<long[]> earlier = ranges.get(table);
    double countFirst = run % 2 == 0 && earlier != null ? count.run(table, earlier, parallelism, tableRows) : -1;
    long posted = System.nanoTime();
    Verified verified = submit(api, table, scale);
    double setup = (verified.accepted() - posted) / 1e9;
    double verify = (verified.ended() - verified.accepted()) / 1e9;
    double counted = countFirst >= 0 ? countFirst : count.run(table, ranges.get(table), parallelism, tableRows);
    return new Row(table, run, tableRows, ranges.get(table).size(), parallelism, setup, verify, counted,
        loadBefore + " → " + ClientCpu.loadAverage());
  }

  private record Verified(long accepted, long ended) {
  }

  /**
   * Runs a verify job over the table and keeps its ranges; it must succeed (every range clean) having
   * compared every row of the table.
   */
  private Verified submit(ApiClient api, String table, double scale) throws Exception {
    Map<String, Object> spec = BenchCommand.spec(server, user, table, unitRows(table, scale), "verify");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    long accepted = System.nanoTime();
    if (submitted.status() != 201) {
      throw new IllegalStateException("verify job refused: " + submitted.text());
    }
    String id = submitted.body().path("id").asText();
    // Polled every 100 ms: the end of the job is known to a tenth of a second.
    JsonNode job = ClusterWait.finished(api, id, j -> { }, 100);
    long ended = System.nanoTime();
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new IllegalStateException("verify job did not succeed: " + job);
    }
    long compared = 0;
    for (JsonNode unit : api.get("/api/v1/jobs/" + id + "/units?kind=verify").body().path("units")) {
      compared += unit.path("findings").path("sourceRows").asLong();
    }
    if (compared != BenchData.rows(table, scale)) {
      throw new IllegalStateException("verify job " + id + " compared " + compared + " rows of " + table);
    }
    ranges.put(table, UnitRanges.of(api, id, "verify"));
    return new Verified(accepted, ended);
  }

  static String format(Row r) {
    return String.format(Locale.ROOT, "| %s | %d | %,d | %d | %d | %.1f | %.1f | %,.0f | %.1f | %,.0f | %.2f | %s |", r.table(),
        r.run(), r.rows(), r.units(), r.parallelism(), r.setupSeconds(), r.verifySeconds(), r.verifyRate(), r.countSeconds(),
        r.countRate(), r.ratio(), r.load());
  }

  private String report(List<Row> rows, double scale, boolean warmup) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "Verification PostgreSQL → PostgreSQL, %d workers × %d units (parallelism %d), scale %s, %s, %d cores, Java %s%n%n",
        workers, units, workers * units, scale, warmup ? "each job run once unmeasured first" : "no warm-up",
        Runtime.getRuntime().availableProcessors(), Runtime.version()));
    sb.append("| table | run | rows | ranges | parallelism | verify setup s | verify s | verify rows/s | count(*) s"
        + " | count(*) rows/s | verify/count(*) | load average |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> sb.append(format(r)).append('\n'));
    Map<String, List<Row>> byTable = new LinkedHashMap<>();
    rows.forEach(r -> byTable.computeIfAbsent(r.table(), k -> new ArrayList<>()).add(r));
    sb.append("\nOver the runs (median, and the range):\n\n| table | runs | verify rows/s | count(*) rows/s | verify/count(*) |\n")
        .append("|---|---|---|---|---|\n");
    byTable.forEach((table, l) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", table, l.size(),
        Spread.of(l.stream().map(Row::verifyRate).toList()).withRange("%,.0f"),
        Spread.of(l.stream().map(Row::countRate).toList()).withRange("%,.0f"),
        Spread.of(l.stream().map(Row::ratio).toList()).withRange("%.2f"))));
    return sb.toString();
  }
}
