package io.ferry.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.coordinator.CoordinatorCluster;
import io.ferry.coordinator.CoordinatorOptions;
import io.ferry.coordinator.CoordinatorVerticle;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ClusterNode;
import io.ferry.deploy.cluster.ClusterOptions;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.runtime.WorkerEndpoint;
import io.ferry.worker.runtime.WorkerOptions;
import io.ferry.worker.runtime.WorkerVerticle;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL expression of the Grafana dashboard and the KEDA trigger reads only metrics that exist: the
 * names are checked against real scrapes of a coordinator and a worker (two cluster members in this JVM, the
 * worker joined through the Kubernetes discovery as in deploy/k8s; real PostgreSQL) after a job ran, so the
 * per-job, per-table and per-worker series are there.
 */
class DashboardMetricsTest {

  private static final TestPostgres PG = new TestPostgres();
  private static final List<String> DATABASES = new ArrayList<>();
  private static ClusterNode node;
  private static ClusterNode workerNode;
  private static Set<String> scraped;
  private static String coordinatorScrape;

  @BeforeAll
  static void runAJobAndScrape() throws Exception {
    String source = database("dash_source");
    String target = database("dash_target");
    try (Connection c = PG.connect(source); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE nums (id bigint PRIMARY KEY, v text NOT NULL)");
      st.execute("INSERT INTO nums SELECT i, 'value ' || i FROM generate_series(1, 2000) i");
      st.execute("ANALYZE nums");
    }
    CoordinatorOptions defaults = CoordinatorOptions.defaults();
    CoordinatorOptions options = new CoordinatorOptions("127.0.0.1", 0, Files.createTempDirectory("ferry-dashboard"),
        defaults.leaseTimeoutMillis(), defaults.retry(), null, defaults.chunkRows());
    int clusterPort;
    try (ServerSocket free = new ServerSocket(0)) {
      clusterPort = free.getLocalPort();
    }
    String secret = UUID.randomUUID().toString();
    node = ClusterNode.start(new ClusterOptions("127.0.0.1", clusterPort, List.of(), false, secret),
        config -> CoordinatorCluster.configure(config, options)).await();
    CoordinatorVerticle coordinator = new CoordinatorVerticle(options, node.hazelcast());
    node.vertx().deployVerticle(coordinator).await();
    // The worker is a member of its own, as in a pod: it finds the coordinator through Hazelcast's Kubernetes
    // discovery, the Service name being localhost (which resolves to the coordinator's address).
    workerNode = ClusterNode.start(new ClusterOptions("127.0.0.1", 0, List.of(), true, secret, "localhost:" + clusterPort),
        config -> { }).await();
    WorkerVerticle worker = new WorkerVerticle(new WorkerOptions(workerNode.nodeId(), 2, 500, 200));
    workerNode.vertx().deployVerticle(worker).await();
    WorkerEndpoint endpoint = WorkerEndpoint.start(workerNode.vertx(), "127.0.0.1", 0).await();
    endpoint.serve(worker);

    ApiClient api = new ApiClient("http://127.0.0.1:" + coordinator.actualHttpPort(), null);
    Map<String, Object> spec = Map.of("name", "dashboard",
        "source", Map.of("engine", "postgresql", "tenants", List.of(Map.of("id", "a", "url", PG.url(source), "user", PG.user()))),
        "target", Map.of("engine", "postgresql", "url", PG.url(target), "user", PG.user(), "tenantColumn", "tenant_id"),
        "mode", "drop_recreate", "unit", Map.of("rows", 1000), "limits", Map.of("rowsPerSecond", 1_000_000), "verify", "none");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String job = submitted.body().path("id").asText();
    until("the job succeeds", () -> {
      String state = api.get("/api/v1/jobs/" + job).body().path("state").asText();
      assertThat(state).isNotIn("failed", "cancelled");
      return state.equals("succeeded");
    });
    // The GC pause timer exists from the JVM's first collection on: make sure there was one.
    System.gc();
    coordinatorScrape = get("http://127.0.0.1:" + coordinator.actualHttpPort() + "/metrics");
    String workerScrape = get("http://127.0.0.1:" + endpoint.actualPort() + "/metrics");
    assertThat(coordinatorScrape).contains("ferry_rows_copied_total{job=\"" + job + "\"");
    assertThat(workerScrape).contains("ferry_worker_rows_total{");
    scraped = new TreeSet<>(PromQl.sampleNames(coordinatorScrape));
    scraped.addAll(PromQl.sampleNames(workerScrape));
  }

  @AfterAll
  static void stop() throws Exception {
    if (workerNode != null) {
      workerNode.close().await();
    }
    if (node != null) {
      node.close().await();
    }
    for (String db : DATABASES) {
      PG.drop(db);
    }
    PG.close();
  }

  private static String database(String prefix) throws Exception {
    String name = PG.createDatabase(prefix);
    DATABASES.add(name);
    return name;
  }

  @Test
  void everyDashboardExpressionReadsMetricsThatExist() {
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    List<String> expressions = Manifests.json(Manifests.DASHBOARD).findValuesAsText("expr");
    assertThat(expressions).hasSizeGreaterThan(20);
    for (String expression : expressions) {
      Set<String> names = PromQl.metricNames(expression);
      assertThat(names).as(expression).isNotEmpty();
      names.removeAll(scraped);
      if (!names.isEmpty()) {
        missing.put(expression, names);
      }
    }
    assertThat(missing).as("metrics the dashboard reads that no scrape has").isEmpty();
  }

  @Test
  void theDashboardsJobVariableListsALabelTheJobStateGaugeHas() {
    JsonNode variable = Manifests.json(Manifests.DASHBOARD).path("templating").path("list").get(0);
    Matcher values = Pattern.compile("label_values\\((\\w+), *(\\w+)\\)").matcher(variable.path("definition").asText());
    assertThat(values.matches()).isTrue();
    assertThat(coordinatorScrape).containsPattern("(?m)^" + values.group(1) + "\\{.*\\b" + values.group(2) + "=\"");
  }

  @Test
  void theAutoscalingQueryReadsMetricsThatExist() {
    String query = Manifests.yaml(Manifests.KEDA).path("spec").path("triggers").get(0).path("metadata").path("query").asText();
    assertThat(PromQl.metricNames(query)).isNotEmpty().isSubsetOf(scraped);
    assertThat(coordinatorScrape).contains("ferry_units{job=", "state=\"pending\"", "state=\"leased\"");
  }

  @Test
  void metricNamesAreTheIdentifiersOtherThanFunctionsKeywordsLabelsAndVariables() {
    assertThat(PromQl.metricNames("sum by (job, table) (rate(ferry_rows_copied_total{job=~\"$ferry_job\", table!=\"x y\"}[$__rate_interval]))"
        + " / on(job) group_left sum without (state) (ferry_units offset 5m) or vector(0) > 1e6 and bool jvm_x:y"))
        .containsExactlyInAnyOrder("ferry_rows_copied_total", "ferry_units", "jvm_x:y");
    assertThat(PromQl.sampleNames("# TYPE a counter\na_total{x=\"1\"} 1.0\nb 2\n")).containsExactly("a_total", "b");
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** Polls until {@code check} holds; a deadline only to fail with a message instead of hanging. */
  private static void until(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 3 minutes: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
