package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Limits on a real cluster: a rows-per-second limit holds cluster-wide with one worker and with three
 * (measured from the target's row count over time), a live PATCH changes the observed rate, workers
 * started mid-job get work, {@code maxUnitsPerSource} is never exceeded (seen from the source server's
 * {@code pg_stat_activity}), and {@code /metrics} parses and agrees with the target at the end.
 */
class LimitsIT {

  static final long ROWS_PER_TENANT = 250_000;
  /** Wide enough for two shared cores, far tighter than the unlimited rate (over 50,000 rows/s here). */
  static final double TOLERANCE = 0.2;

  final TestPostgres pg = new TestPostgres();
  ProcessCluster cluster;
  volatile boolean watching = true;

  @AfterEach
  void stop() throws Exception {
    watching = false;
    if (cluster != null) {
      cluster.close();
    }
    pg.close();
  }

  @Test
  void rateLimitsHoldClusterWideAndChangeLive() throws Exception {
    // Its JVM starts while the tenants fill.
    cluster = ItCluster.start(getClass(), 1, 2);
    String a = pg.createDatabase("limits_a");
    String b = pg.createDatabase("limits_b");
    String target = pg.createDatabase("limits_target");
    for (String db : List.of(a, b)) {
      try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE nums (id bigint PRIMARY KEY, v text NOT NULL)");
        st.execute("INSERT INTO nums SELECT i, 'value ' || i FROM generate_series(1, " + ROWS_PER_TENANT + ") i");
        st.execute("ANALYZE nums");
      }
    }
    ApiClient api = ItCluster.ready(cluster, null, 1);
    AtomicInteger maxCopiesOnSource = watchSourceCopies(List.of(a, b));

    Map<String, Object> spec = Map.of("name", "limits",
        "source", Map.of("engine", "postgresql", "tenants", List.of(
            Map.of("id", "a", "url", pg.url(a), "user", pg.user()), Map.of("id", "b", "url", pg.url(b), "user", pg.user()))),
        "target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "merged",
            "tenantColumn", "tenant_id"),
        "mode", "drop_recreate",
        "unit", Map.of("rows", 10_000),
        "limits", Map.of("rowsPerSecond", 6000, "maxUnitsPerSource", 4),
        "verify", "none");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String jobId = submitted.body().path("id").asText();

    try (Connection t = pg.connect(target)) {
      waitForRows(t, 1);
      double oneWorker = rate(t, 2, 12);
      assertThat(oneWorker).as("rows/s with one worker under a 6000 rows/s limit").isBetween(6000 * (1 - TOLERANCE), 6000 * (1 + TOLERANCE));

      Set<String> before = workerIds(api);
      // One slot each: with the first worker's two, the source server's limit of four is exactly filled.
      cluster.startWorker(1);
      cluster.startWorker(1);
      assertLateWorkersGetWork(api, before);
      double threeWorkers = rate(t, 1, 10);
      assertThat(threeWorkers).as("rows/s with three workers under the same limit").isBetween(6000 * (1 - TOLERANCE), 6000 * (1 + TOLERANCE));

      assertThat(patch(jobId, "{\"limits\": {\"rowsPerSecond\": 12000}}")).isEqualTo(200);
      double patched = rate(t, 2, 8);
      assertThat(patched).as("rows/s after PATCH to 12000").isBetween(12000 * (1 - TOLERANCE), 12000 * (1 + TOLERANCE));

      assertThat(patch(jobId, "{\"limits\": {\"rowsPerSecond\": null}}")).isEqualTo(200);
      JsonNode job = ClusterWait.finished(api, jobId, j -> { }, 250);
      assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
      watching = false;
      // Late workers with free slots kept asking; the source server never saw more than four copies.
      assertThat(maxCopiesOnSource.get()).as("COPY statements seen at once on the source server").isBetween(1, 4);

      long targetRows = count(t, "SELECT count(*) FROM merged.nums");
      assertThat(targetRows).isEqualTo(2 * ROWS_PER_TENANT);
      assertMetricsAgree(jobId, targetRows);
    }
    TargetChecks checks = new TargetChecks(pg, Map.of("a", a, "b", b), target, "merged", "tenant_id");
    checks.assertTargetEqualsSources(List.of("public.nums"));
    checks.assertEveryUnitCommittedOnce(jobId, List.of("public.nums"));
  }

  /** Rows per second over {@code seconds}, by least squares over one count per second, after {@code settle} seconds. */
  double rate(Connection t, int settle, int seconds) throws Exception {
    Thread.sleep(settle * 1000L);
    List<double[]> points = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i <= seconds; i++) {
      long wake = start + i * 1_000_000_000L;
      Thread.sleep(Math.max(0, (wake - System.nanoTime()) / 1_000_000));
      points.add(new double[] {(System.nanoTime() - start) / 1e9, count(t, "SELECT count(*) FROM merged.nums")});
    }
    double n = points.size();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (double[] p : points) {
      sx += p[0];
      sy += p[1];
      sxx += p[0] * p[0];
      sxy += p[0] * p[1];
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    System.out.printf(Locale.ROOT, "observed %.0f rows/s over %d s%n", slope, seconds);
    return slope;
  }

  void waitForRows(Connection t, long atLeast) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (count(t, "SELECT count(*) FROM merged.nums") >= atLeast) {
          return;
        }
      } catch (java.sql.SQLException notYet) {
        // the table appears with the job's prepare
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no row reached the target within a minute");
  }

  Set<String> workerIds(ApiClient api) throws Exception {
    Set<String> ids = new HashSet<>();
    api.get("/api/v1/workers").body().path("workers").forEach(w -> ids.add(w.path("id").asText()));
    return ids;
  }

  /** Each worker that joined mid-job is seen working (a unit in hand or rows written) within seconds of joining. */
  void assertLateWorkersGetWork(ApiClient api, Set<String> before) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    Set<String> working = new HashSet<>();
    while (System.currentTimeMillis() < deadline && working.size() < 2) {
      for (JsonNode w : api.get("/api/v1/workers").body().path("workers")) {
        String id = w.path("id").asText();
        if (!before.contains(id) && (w.path("activeUnits").size() > 0 || w.path("rowsTotal").asLong() > 0)) {
          working.add(id);
        }
      }
      Thread.sleep(250);
    }
    assertThat(working).as("workers started mid-job that got work").hasSize(2);
  }

  /** Polls the source server for the workers' COPY statements on the tenant databases; keeps the most seen at once. */
  AtomicInteger watchSourceCopies(List<String> databases) {
    AtomicInteger max = new AtomicInteger();
    Thread watcher = new Thread(() -> {
      try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
        String dbs = String.join("','", databases);
        while (watching) {
          try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname IN ('" + dbs
              + "') AND state = 'active' AND query LIKE 'COPY (SELECT%'")) {
            rs.next();
            max.accumulateAndGet(rs.getInt(1), Math::max);
          }
          Thread.sleep(50);
        }
      } catch (Exception e) {
        max.set(-1000);
      }
    }, "source-watcher");
    watcher.setDaemon(true);
    watcher.start();
    return max;
  }

  int patch(String jobId, String body) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(cluster.apiUrl() + "/api/v1/jobs/" + jobId))
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.statusCode();
  }

  /** /metrics is Prometheus text, and the rows it counted for the job are the target's rows. */
  void assertMetricsAgree(String jobId, long targetRows) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Pattern sample = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})? -?[0-9.eE+\\-]+|NaN|[+-]Inf$");
    double rows = 0;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        assertThat(line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")).as(line).isTrue();
        continue;
      }
      assertThat(sample.matcher(line).matches()).as("Prometheus sample line: %s", line).isTrue();
      if (line.startsWith("ferry_rows_copied_total{") && line.contains("job=\"" + jobId + "\"")) {
        rows += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    assertThat(rows).isEqualTo((double) targetRows);
    assertThat(text).contains("ferry_rate_limit_wait_seconds_total{job=\"" + jobId + "\"}");
    assertThat(text).contains("ferry_units{job=\"" + jobId + "\",state=\"done\"}");
  }

  static long count(Connection c, String sql) throws java.sql.SQLException {
    return TargetChecks.count(c, sql);
  }
}
