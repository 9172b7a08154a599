package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cli.StatusView;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A coordinator with an API token and a worker, as separate processes: the API is closed without the
 * token and open with it, the probes stay open; and a job whose spec holds literal passwords runs to
 * the end without any of them showing up in an API answer, a log, the metrics, the coordinator's
 * registry of targets or the target's {@code ferry} tables. By default no process listens beyond
 * loopback, and a worker with another cluster secret never joins. Its processes log JSON
 * ({@code --log-format json}): one object per line, with the job, unit and tenant of the work it is about.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

  static final String TOKEN = "t0ken-" + UUID.randomUUID();

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  ApiClient anonymous;
  String source;
  String target;
  /** What the job spec says as its passwords. The test server trusts loopback, so any value connects. */
  String literal;
  /** Every API answer the test received, to search for the passwords. */
  final List<String> answers = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    pg = new TestPostgres();
    source = pg.createDatabase("security_source");
    target = pg.createDatabase("security_target");
    try (Connection c = pg.connect(source)) {
      Fixture.create(c, 1, 2_000);
    }
    String configured = System.getenv().getOrDefault("FERRY_TEST_PG_PASSWORD", "");
    literal = configured.isEmpty() ? "Lit3ral-Pa55-" + UUID.randomUUID().toString().substring(0, 8) : configured;
    // This class reads its processes' whole logs: none of an earlier run.
    try (var old = Files.list(Files.createDirectories(Path.of("target", "it-logs", getClass().getSimpleName())))) {
      for (Path log : old.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.delete(log);
      }
    }
    cluster = ItCluster.start(getClass(), "json", 1, 2, "--api-token", TOKEN);
    api = ItCluster.ready(cluster, TOKEN, 1);
    anonymous = new ApiClient(cluster.apiUrl(), null);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
  }

  ApiClient.Response kept(ApiClient.Response response) {
    answers.add(response.text());
    return response;
  }

  @Test
  void theApiNeedsTheTokenAndTheProbesDoNot() throws Exception {
    for (String path : List.of("/api/v1/jobs", "/api/v1/workers", "/api/v1/jobs/any-123456")) {
      ApiClient.Response refused = anonymous.get(path);
      assertThat(refused.status()).as(path).isEqualTo(401);
      assertThat(refused.body().path("error").asText()).isEqualTo("unauthorized");
      assertThat(refused.body().path("details").isArray()).isTrue();
      assertThat(new ApiClient(cluster.apiUrl(), "not-" + TOKEN).get(path).status()).as("wrong token on %s", path).isEqualTo(401);
    }
    assertThat(anonymous.post("/api/v1/jobs", "{}", "application/json").status()).isEqualTo(401);
    assertThat(anonymous.post("/api/v1/jobs/any-123456/pause", "", "application/json").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/jobs").status()).isEqualTo(200);
    assertThat(api.get("/api/v1/workers").status()).isEqualTo(200);
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/ready").status()).isEqualTo(200);
  }

  /**
   * The dashboard asks for the token when the API refuses it, asks again for a wrong one, and with the
   * right one shows the workers; the token stays in the tab's sessionStorage: no localStorage, no cookie,
   * and never in the address.
   */
  @Test
  void theDashboardAsksForTheTokenAndKeepsItInTheTabOnly() throws Exception {
    try (DashboardBrowser browser = new DashboardBrowser(cluster.apiUrl(), Path.of("target", "dashboard-screenshots"))) {
      browser.open("#/workers");
      browser.find("#login #token").sendKeys("not-" + TOKEN);
      browser.click("#login button[type=submit]");
      browser.until("the wrong token is refused and asked for again", d -> Boolean.FALSE.equals(
          browser.script("return document.getElementById('login').hidden")) ? true : null);
      assertThat(browser.find(".worker-row, #login").getAttribute("id")).as("no worker shown without the token").isEqualTo("login");

      browser.find("#login #token").sendKeys(TOKEN);
      browser.click("#login button[type=submit]");
      browser.until("the workers, with the token", d -> d.findElements(org.openqa.selenium.By.cssSelector(".worker-row")).size() >= 1 ? true : null);
      assertThat(browser.script("return document.getElementById('login').hidden")).isEqualTo(true);
      assertThat(browser.script("return [sessionStorage.getItem('ferry.apiToken'), localStorage.length, document.cookie,"
          + " location.href.includes(arguments[0])]", TOKEN)).isEqualTo(List.of(TOKEN, 0L, "", false));
    }
  }

  /** The CLI sends the token given by flag or by FERRY_API_TOKEN, and without one says how to give it. */
  @Test
  void theCliSendsTheTokenOfItsFlagOrEnvironment() throws Exception {
    String coordinator = "--coordinator=" + cluster.apiUrl();
    CliRun refused = CliRun.of("workers", coordinator);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.output()).contains("HTTP 401: unauthorized", "--api-token TOKEN or FERRY_API_TOKEN");
    CliRun flag = CliRun.of("workers", "--api-token=" + TOKEN, coordinator);
    assertThat(flag.exitCode()).as(flag.output()).isZero();
    assertThat(flag.output()).contains("WORKER", " ago");
    CliRun environment = CliRun.of(Map.of("FERRY_API_TOKEN", TOKEN, "FERRY_COORDINATOR", cluster.apiUrl()), 120, "status");
    assertThat(environment.exitCode()).as(environment.output()).isZero();
    assertThat(environment.output()).contains("JOB", "STATE");
  }

  @Test
  void literalPasswordsOfASpecAppearNowhere() throws Exception {
    Map<String, Object> spec = spec(pg.url(source));
    kept(api.post("/api/v1/jobs?dryRun=true", Json.encode(spec), "application/json"));
    // A preflight that fails (nothing listens on port 1): the error names the tenant, never its password.
    ApiClient.Response rejected = kept(api.post("/api/v1/jobs", Json.encode(spec("jdbc:postgresql://127.0.0.1:1/nowhere")),
        "application/json"));
    assertThat(rejected.status()).as(rejected.text()).isEqualTo(400);
    ApiClient.Response submitted = kept(api.post("/api/v1/jobs", Json.encode(spec), "application/json"));
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String job = submitted.body().path("id").asText();

    JsonNode finished = Poll.until(job + " ends", Duration.ofMinutes(2), () -> {
      JsonNode j = kept(api.get("/api/v1/jobs/" + job)).body();
      kept(api.get("/api/v1/jobs/" + job + "/units"));
      kept(api.get("/api/v1/workers"));
      return StatusView.TERMINAL_STATES.contains(j.path("state").asText()) ? j : null;
    });
    assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("succeeded");
    assertThat(finished.path("spec").toString()).as("the spec is shown, its passwords redacted").contains("********");
    kept(api.get("/api/v1/jobs"));
    kept(api.post("/api/v1/jobs/" + job + "/pause", "", "application/json"));
    kept(api.post("/api/v1/jobs/" + job + "/retry", "", "application/json"));
    String metrics = anonymous.get("/metrics").text();
    assertThat(metrics).contains("ferry_rows_copied_total");

    Map<String, String> places = new LinkedHashMap<>();
    places.put("API answers", String.join("\n", answers));
    places.put("GET /metrics", metrics);
    places.put("coordinator log", Files.readString(cluster.logOf(cluster.coordinator())));
    places.put("worker log", Files.readString(cluster.logDir().resolve("worker-1.log")));
    places.put("targets.json", Files.readString(cluster.logDir().resolve("coordinator-state").resolve("targets.json")));
    try (Connection t = pg.connect(target)) {
      for (String table : List.of("ferry.jobs", "ferry.units", "ferry.checkpoints")) {
        places.put(table, dump(t, table));
      }
    }
    // The places searched are the right ones: each of them holds this job.
    assertThat(places).allSatisfy((place, text) -> assertThat(text).as(place).contains(job));
    try (var logs = Files.list(cluster.logDir())) {
      // Every worker's log, also those of another test's workers that never joined.
      for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("worker-")).toList()) {
        places.put(log.getFileName().toString(), Files.readString(log));
      }
    }
    places.forEach((place, text) -> assertThat(text).as("%s holds no password", place).doesNotContain(literal)
        .doesNotContain(cluster.clusterSecret()));
  }

  @Test
  void everyLogLineIsAJsonObjectAndTheLinesAboutAJobNameItsUnitAndTenant() throws Exception {
    Map<String, Object> spec = spec(pg.url(source));
    spec.put("name", "logged");
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "logged"));
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String job = submitted.body().path("id").asText();
    JsonNode finished = Poll.until(job + " ends", Duration.ofMinutes(2), () -> {
      JsonNode j = api.get("/api/v1/jobs/" + job).body();
      return StatusView.TERMINAL_STATES.contains(j.path("state").asText()) ? j : null;
    });
    assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("succeeded");

    List<JsonNode> worker = jsonLines(cluster.logDir().resolve("worker-1.log"));
    List<JsonNode> coordinator = jsonLines(cluster.logOf(cluster.coordinator()));

    assertThat(worker).as("the worker's lines about the job's copy units").anySatisfy(line -> {
      assertThat(line.path("job").asText()).isEqualTo(job);
      assertThat(line.path("unit").asText()).startsWith("copy:s1:");
      assertThat(line.path("tenant").asText()).isEqualTo("s1");
      assertThat(line.path("logger").asText()).isEqualTo("io.ferry.worker.unit.UnitExecutor");
      assertThat(line.path("message").asText()).contains(line.path("unit").asText() + " of job " + job, ": done in ");
    });
    assertThat(worker).as("lines outside a unit").anySatisfy(line -> assertThat(line.path("job").isNull()).isTrue());
    assertThat(coordinator).as("the coordinator's line accepting the job").anySatisfy(line -> {
      assertThat(line.path("job").asText()).isEqualTo(job);
      assertThat(line.path("message").asText()).startsWith("job " + job + " accepted");
    });
  }

  /** Every line of a process's log, each a JSON object with the fields of the JSON log format. */
  static List<JsonNode> jsonLines(Path log) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode json = Json.mapper().readTree(line);
      assertThat(json != null && json.isObject()).as("%s: %s", log.getFileName(), line).isTrue();
      List<String> fields = new ArrayList<>();
      json.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).as(line).startsWith("time", "level", "logger", "job", "unit", "tenant", "message")
          .isSubsetOf("time", "level", "logger", "job", "unit", "tenant", "message", "exception");
      assertThat(java.time.OffsetDateTime.parse(json.path("time").asText())).as(line).isNotNull();
      assertThat(json.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      lines.add(json);
    }
    assertThat(lines).as(log.toString()).isNotEmpty();
    return lines;
  }

  @Test
  void noFerryProcessListensBeyondLoopbackByDefault() throws Exception {
    List<Process> processes = new ArrayList<>(cluster.workers());
    processes.add(cluster.coordinator());
    assertThat(processes).hasSize(2);
    for (Process process : processes) {
      List<String> listening = ListeningSockets.of(process.pid());
      assertThat(listening).as("sockets process %d listens on", process.pid()).isNotEmpty()
          .allSatisfy(address -> assertThat(ListeningSockets.loopback(address)).as(address).isTrue());
    }
  }

  @Test
  void aWorkerWithAnotherClusterSecretOrNoneNeverJoins() throws Exception {
    Process foreign = cluster.startWorker(2, "another-secret");
    Process none = cluster.startWorker(2, null);
    try {
      // Each forms a cluster of its own, without a coordinator, and says so in its log.
      for (Process p : List.of(foreign, none)) {
        Poll.until("worker " + p.pid() + " waits for a coordinator of its own", Duration.ofSeconds(60),
            () -> Files.readString(cluster.logOf(p)).contains("Waiting for a coordinator") ? true : null);
      }
      assertThat(api.get("/api/v1/workers").body().path("workers").size()).as("registered workers").isEqualTo(1);
      assertThat(Files.readString(cluster.logOf(cluster.coordinator()))).doesNotContain(cluster.clusterSecret());
    } finally {
      cluster.kill(foreign);
      cluster.kill(none);
    }
  }

  Map<String, Object> spec(String sourceUrl) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "secrets");
    spec.put("source", Map.of("engine", "postgresql", "tenants", List.of(
        Map.of("id", "s1", "url", sourceUrl, "user", pg.user(), "password", literal))));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "password", literal,
        "schema", "secure"));
    spec.put("tables", Map.of("include", List.of("public.items", "public.customers")));
    spec.put("mode", "drop_recreate");
    return spec;
  }

  static String dump(Connection c, String table) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          out.append(rs.getString(i)).append('\t');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
