package io.ferry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ClusterNode;
import io.ferry.deploy.cluster.ClusterOptions;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One coordinator as a real process ({@code ferry coordinator} from ferry.jar, recording into a fresh
 * target database) and {@code workers} {@link SimulatedWorker}s in this process, on a clustered Vert.x
 * that joins the coordinator's cluster as a worker does (a lite member). Jobs are submitted over the
 * HTTP API and planned by the coordinator from {@link SimulatedSurvey}'s plans.
 */
final class CapacityRun implements AutoCloseable {

  /** What one job measured. */
  record Result(int workers, long units, ClaimStats.Summary claims, double jobSeconds, double submitSeconds,
                double coordinatorCpuSeconds, double statusP50Millis, double statusMaxMillis, double listMaxMillis,
                double statusAfterMillis, double idleCpuMillisPerSecond, String state, FirstSecond firstSecond) {

    /** Coordinator CPU per unit, in microseconds. */
    double cpuMicrosPerUnit() {
      return units == 0 ? 0 : coordinatorCpuSeconds * 1e6 / units;
    }
  }

  /**
   * The API's latency around the submission, probed every {@value LatencyProbe#INTERVAL_MILLIS} ms: the dashboard's
   * {@code GET /api/v1/jobs} while the submission is under way, and {@code GET /api/v1/jobs/{id}} in the first second
   * after it was accepted (the job's regular status polls included).
   */
  record FirstSecond(int statusRequests, double statusP99Millis, double statusMaxMillis, int listRequests,
                     double listMaxMillis) {

    static FirstSecond of(long[] status, long[] list) {
      return new FirstSecond(status.length, ClaimStats.percentile(status, 0.99), ClaimStats.percentile(status, 1),
          list.length, ClaimStats.percentile(list, 1));
    }
  }

  /** How jobs look: tenants × tables × units per table make a job's copy units. */
  record Shape(int tenants, int unitsPerTable, long unitRows) {

    int tables(long units) {
      return (int) Math.max(1, units / ((long) tenants * unitsPerTable));
    }
  }

  private static final long STATUS_POLL_MILLIS = 250;
  private static final long IDLE_MILLIS = 3_000;
  private static final int STATUS_AFTER_REQUESTS = 20;
  private static final long FIRST_SECOND_NANOS = 1_000_000_000L;

  private final ProcessCluster cluster;
  private final ClusterNode node;
  private final ApiClient api;
  private final ClaimStats stats = new ClaimStats();
  private final Target target;
  private final Shape shape;
  private final int workers;
  private int jobs;

  /** The database the coordinator records its jobs in: {@code url} a JDBC URL, {@code password} null for none. */
  record Target(String url, String user, String password) {
  }

  private CapacityRun(ProcessCluster cluster, ClusterNode node, Target target, Shape shape, int workers) {
    this.cluster = cluster;
    this.node = node;
    this.api = new ApiClient(cluster.apiUrl(), null);
    this.target = target;
    this.shape = shape;
    this.workers = workers;
  }

  /** Starts the coordinator and joins it with {@code workers} simulated workers of {@code slots} slots each. */
  static CapacityRun start(Path jar, Path logs, String coordinatorHeap, Target target, Shape shape, int workers, int slots,
      long unitMillis) throws Exception {
    ProcessCluster cluster = new ProcessCluster(jar, logs);
    ClusterNode node = null;
    try {
      cluster.coordinatorHeap(coordinatorHeap);
      cluster.startCoordinator();
      ApiClient api = new ApiClient(cluster.apiUrl(), null);
      ClusterWait.ready(api, 0);
      node = ClusterNode.start(new ClusterOptions("127.0.0.1", 0, List.of("127.0.0.1:" + cluster.clusterPort()), true,
          cluster.clusterSecret()), config -> { }).await(60, TimeUnit.SECONDS);
      CapacityRun run = new CapacityRun(cluster, node, target, shape, workers);
      // Deployed at once: each registers its consumers across the cluster, which takes a while on a busy machine.
      List<Future<String>> deployed = new ArrayList<>();
      deployed.add(node.vertx().deployVerticle(new SimulatedSurvey(shape.unitsPerTable())));
      for (int i = 0; i < workers; i++) {
        deployed.add(node.vertx().deployVerticle(new SimulatedWorker(slots, unitMillis, run.stats)));
      }
      Future.all(deployed).await(60, TimeUnit.SECONDS);
      ClusterWait.ready(api, workers);
      return run;
    } catch (Exception | Error e) {
      if (node != null) {
        node.close().await(30, TimeUnit.SECONDS);
      }
      cluster.close();
      throw e;
    }
  }

  /**
   * Runs a job of about {@code units} copy units to its end and measures it: the coordinator process's CPU
   * from the submission to the job's end (planning and recording the units included), the claims the
   * workers saw, and the latency of {@code GET /api/v1/jobs/{id}} and {@code GET /api/v1/jobs} polled
   * every {@value #STATUS_POLL_MILLIS} ms meanwhile.
   */
  Result job(long units) throws Exception {
    int tables = shape.tables(units);
    stats.reset();
    // What the coordinator spends with no job running (cluster heartbeats, timers): part of every job's CPU.
    double idleBefore = ClientCpu.of(List.of(cluster.coordinator()));
    Thread.sleep(IDLE_MILLIS);
    double idleCpu = (ClientCpu.of(List.of(cluster.coordinator())) - idleBefore) * 1000 / (IDLE_MILLIS / 1000.0);
    double cpuBefore = ClientCpu.of(List.of(cluster.coordinator()));
    long started = System.nanoTime();
    ApiClient.Response submitted;
    long[] listDuringSubmit;
    try (LatencyProbe probe = new LatencyProbe(api, "/api/v1/jobs", Long.MAX_VALUE)) {
      submitted = api.post("/api/v1/jobs", Json.encode(spec(++jobs, tables)), "application/json");
      probe.close();
      listDuringSubmit = probe.sorted();
    }
    long accepted = System.nanoTime();
    double submitSeconds = (accepted - started) / 1e9;
    if (submitted.status() != 201) {
      throw new IllegalStateException("capacity job refused: " + submitted.text());
    }
    String id = submitted.body().path("id").asText();
    LatencyProbe firstSecond = new LatencyProbe(api, ApiClient.job(id), accepted + FIRST_SECOND_NANOS);
    List<Long> status = new ArrayList<>();
    List<Long> statusFirstSecond = new ArrayList<>();
    List<Long> list = new ArrayList<>();
    JsonNode job;
    while (true) {
      long t0 = System.nanoTime();
      ApiClient.Response response = api.get("/api/v1/jobs/" + id);
      long t1 = System.nanoTime();
      api.get("/api/v1/jobs");
      list.add(System.nanoTime() - t1);
      status.add(t1 - t0);
      if (t0 - accepted < FIRST_SECOND_NANOS) {
        statusFirstSecond.add(t1 - t0);
      }
      job = response.body();
      if (response.status() != 200 || job.path("finishedAt").isTextual()) {
        break;
      }
      Thread.sleep(STATUS_POLL_MILLIS);
    }
    double jobSeconds = (System.nanoTime() - started) / 1e9;
    firstSecond.close();
    statusFirstSecond.addAll(java.util.Arrays.stream(firstSecond.sorted()).boxed().toList());
    double cpu = ClientCpu.of(List.of(cluster.coordinator())) - cpuBefore;
    // Results are acknowledged after the job's state changed: wait for the last acknowledgements.
    long total = job.path("units").path("total").asLong();
    for (int i = 0; i < 100 && stats.summary().done() < total; i++) {
      Thread.sleep(50);
    }
    // The status of the finished job on a coordinator with nothing else to do: what a request costs, no queue.
    long[] after = new long[STATUS_AFTER_REQUESTS];
    for (int i = 0; i < after.length; i++) {
      long t0 = System.nanoTime();
      api.get("/api/v1/jobs/" + id);
      after[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(after);
    long[] s = status.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] l = list.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Result(workers, total, stats.summary(), jobSeconds, submitSeconds, cpu, ClaimStats.percentile(s, 0.5),
        s.length == 0 ? 0 : s[s.length - 1] / 1e6, l.length == 0 ? 0 : l[l.length - 1] / 1e6,
        ClaimStats.percentile(after, 0.5), idleCpu, job.path("state").asText(),
        FirstSecond.of(statusFirstSecond.stream().mapToLong(Long::longValue).sorted().toArray(), listDuringSubmit));
  }

  /**
   * Every tenant (t001…) × table (public.j1_t0001…) into schema {@code capacity}, no verification. The tenants
   * name the target as their source too: nothing reads them.
   */
  private Map<String, Object> spec(int n, int tables) {
    List<Map<String, Object>> tenants = new ArrayList<>();
    for (int t = 1; t <= shape.tenants(); t++) {
      tenants.add(connection(Map.of("id", String.format("t%03d", t))));
    }
    List<String> include = new ArrayList<>();
    for (int t = 1; t <= tables; t++) {
      // Each job its own tables: a finished job's tables never overlap the next one's anyway.
      include.add(String.format("public.j%d_t%04d", n, t));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "capacity-" + n);
    spec.put("source", Map.of("engine", "postgresql", "tenants", tenants));
    Map<String, Object> into = connection(Map.of("engine", "postgresql", "schema", "capacity"));
    if (shape.tenants() > 1) {
      into.put("tenantColumn", "tenant_id");
    }
    spec.put("target", into);
    spec.put("tables", Map.of("include", include));
    spec.put("mode", "drop_recreate");
    spec.put("verify", "none");
    spec.put("unit", Map.of("rows", shape.unitRows(), "bytes", 1L << 40));
    return spec;
  }

  private Map<String, Object> connection(Map<String, Object> fields) {
    Map<String, Object> c = new LinkedHashMap<>(fields);
    c.put("url", target.url());
    c.put("user", target.user());
    if (target.password() != null) {
      c.put("password", target.password());
    }
    return c;
  }

  /** Drops and creates database {@code database} of the server at {@code serverUrl} ({@code jdbc:postgresql://host:port/}). */
  static void recreate(String serverUrl, String user, String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(serverUrl + "postgres", user, "");
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + database);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      node.close().await(30, TimeUnit.SECONDS);
    } finally {
      cluster.close();
    }
  }
}
