package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A coordinator and two workers as separate JVM processes copy two tenant databases into one
 * multi-tenant target; every table is then compared with its source, tenant by tenant, and the
 * checkpoints must show every unit committed exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMigrationIT {

  static final int ITEMS = 30_000;

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  String tenantA;
  String tenantB;
  String target;

  @BeforeAll
  void startCluster() throws Exception {
    // Its JVMs start while the tenants fill.
    cluster = ItCluster.start(getClass(), 2, 2);
    pg = new TestPostgres();
    tenantA = pg.createDatabase("tenant_a");
    tenantB = pg.createDatabase("tenant_b");
    target = pg.createDatabase("target");
    try (Connection a = pg.connect(tenantA); Connection b = pg.connect(tenantB)) {
      Fixture.create(a, 1, ITEMS);
      Fixture.create(b, 2, ITEMS / 2);
    }
    api = ItCluster.ready(cluster, null, 2);
  }

  @AfterAll
  void stopCluster() throws Exception {
    ItCluster.close(cluster, pg);
  }

  Map<String, Object> spec(String name) {
    return spec(name, "merged");
  }

  Map<String, Object> spec(String name, String schema) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("source", Map.of("engine", "postgresql", "tenants", List.of(
        tenant("a", tenantA), tenant("b", tenantB))));
    Map<String, Object> targetSpec = new LinkedHashMap<>(Map.of("engine", "postgresql", "url", pg.url(target),
        "user", pg.user(), "schema", schema, "tenantColumn", "tenant_id"));
    spec.put("target", targetSpec);
    spec.put("tables", Map.of("include", List.of("public.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 5000));
    // The copy is compared here; verification has tests of its own (ModesIT).
    spec.put("verify", "none");
    return spec;
  }

  Map<String, Object> tenant(String id, String database) {
    return new LinkedHashMap<>(Map.of("id", id, "url", pg.url(database), "user", pg.user()));
  }

  @Test
  void copiesEveryTableOfTwoTenantsExactlyOnce() throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec("it-copy")), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String jobId = submitted.body().path("id").asText();

    JsonNode job = ClusterWait.finished(api, jobId, state -> { }, 250);
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    TargetChecks checks = new TargetChecks(pg, Map.of("a", tenantA, "b", tenantB), target, "merged", "tenant_id");
    long sourceRows = checks.assertTargetEqualsSources(Fixture.TABLES);
    assertThat(job.path("rows").path("done").asLong()).isEqualTo(sourceRows);
    List<WorkUnit> units = checks.assertEveryUnitCommittedOnce(jobId, Fixture.TABLES);
    assertThat(units.stream().filter(u -> u.kind() == UnitKind.COPY && u.slice().sourceTable().equals("public.items")
        && u.slice().tenantId().equals("a"))).as("items of tenant a split into several units").hasSizeGreaterThan(3);
    try (Connection targetDb = pg.connect(target)) {
      assertFinishedTables(targetDb);
    }
  }

  @Test
  void theCliSubmitsPlansAndWatchesAJob(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path spec = Files.writeString(dir.resolve("job.yaml"), """
        name: cli
        source:
          engine: postgresql
          tenants:
            - { id: a, url: "%s", user: %s }
        target: { engine: postgresql, url: "%s", user: %s, schema: cli }
        tables: { include: ["public.codes", "public.Order*"] }
        mode: drop_recreate
        """.formatted(pg.url(tenantA), pg.user(), pg.url(target), pg.user()));
    String coordinator = "--coordinator=" + cluster.apiUrl();

    CliRun plan = CliRun.of("submit", spec.toString(), "--dry-run", coordinator);
    assertThat(plan.exitCode()).as(plan.output()).isZero();
    assertThat(plan.output()).contains("plan of job cli: mode drop_recreate", "TABLE", "SPLIT", "~ROWS", "Nothing was started")
        .containsPattern("(?m)^cli\\.codes +1 +code +\\w+").containsPattern("(?m)^cli\\.OrderLines +1 ")
        .doesNotContain("CREATE TABLE");
    CliRun ddl = CliRun.of("submit", spec.toString(), "--dry-run", "--ddl", coordinator);
    assertThat(ddl.output()).contains("-- cli.codes (prepare)", "CREATE TABLE");
    CliRun raw = CliRun.of("submit", spec.toString(), "--dry-run", "--json", coordinator);
    assertThat(json(raw).path("tables").findValuesAsText("table"))
        .containsExactlyInAnyOrder("cli.codes", "cli.OrderLines");

    CliRun submit = CliRun.of("submit", spec.toString(), coordinator);
    assertThat(submit.exitCode()).as(submit.output()).isZero();
    String jobId = submit.output().replaceAll("(?s).*Submitted job (\\S+).*", "$1");
    assertThat(submit.output()).contains("ferry status " + jobId + " --watch");

    CliRun watch = CliRun.of("status", jobId, "--watch", "--interval=1", coordinator);
    assertThat(watch.exitCode()).as(watch.output()).isZero();
    assertThat(watch.output()).contains("state succeeded", "cli.codes", "cli.OrderLines", "100%");

    CliRun list = CliRun.of("status", coordinator);
    assertThat(list.output()).contains(jobId, "succeeded");

    CliRun bad = CliRun.of("submit", dir.resolve("missing.yaml").toString(), coordinator);
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.output()).contains("missing.yaml does not exist");
  }

  /**
   * Every verb against the real coordinator, on one job: limits changed while it runs, pause, a rollback of
   * one tenant waited for, refusals exiting 1 with the API's words, resume, watch to the end, verify again,
   * the report; and the target equals the sources afterwards. (Each command is a JVM start, ~3 s on a
   * loaded machine: the refusals of each verb are covered by {@code VerbsTest} instead.)
   */
  @Test
  void theCliControlsAJobWithEveryVerb(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Map<String, Object> slow = spec("cli-verbs", "verbs");
    slow.put("limits", Map.of("rowsPerSecond", 2000));
    Path spec = Files.writeString(dir.resolve("job.json"), Json.encode(slow));
    String coordinator = "--coordinator=" + cluster.apiUrl();
    CliRun submit = CliRun.of("submit", spec.toString(), coordinator);
    assertThat(submit.exitCode()).as(submit.output()).isZero();
    String job = submit.output().replaceAll("(?s).*Submitted job (\\S+).*", "$1");

    CliRun workers = CliRun.of("workers", coordinator);
    assertThat(workers.exitCode()).as(workers.output()).isZero();
    assertThat(workers.output().lines().filter(l -> l.endsWith(" ago"))).as(workers.output()).hasSize(2);
    assertThat(workers.output()).contains("WORKER", "/2 ");

    CliRun limits = CliRun.of("limits", job, "--rows-per-second=1000", "--max-units=3", coordinator);
    assertThat(limits.exitCode()).as(limits.output()).isZero();
    assertThat(limits.output()).contains("rows/s 1,000", "units at once 3");
    assertThat(api.get("/api/v1/jobs/" + job).body().path("spec").path("limits").path("rowsPerSecond").asLong()).isEqualTo(1000);

    CliRun pause = CliRun.of("pause", job, coordinator);
    assertThat(pause.exitCode()).as(pause.output()).isZero();
    assertThat(pause.output()).contains("job " + job + " is paused", "ferry resume " + job);
    // A rollback needs the paused job's units to have stopped at their chunk boundary.
    Poll.untilTrue("no unit of " + job + " runs", java.time.Duration.ofMinutes(1),
        () -> api.get("/api/v1/jobs/" + job + "/units?state=leased").body().path("units").isEmpty());
    CliRun unknownTenant = CliRun.of("rollback", job, "--tenant=nope", coordinator);
    assertThat(unknownTenant.exitCode()).isEqualTo(1);
    assertThat(unknownTenant.output()).contains("HTTP 400: invalid rollback", "tenant 'nope' is not a tenant of job " + job);
    CliRun rollback = CliRun.of("rollback", job, "--tenant=b", "--wait", coordinator);
    assertThat(rollback.exitCode()).as(rollback.output()).isZero();
    assertThat(rollback.output()).contains("rollback:1 of job " + job + " started: tenant b", "rollback:1 done:");
    CliRun rollbacks = CliRun.of("units", job, "--kind=rollback", coordinator);
    assertThat(rollbacks.output()).containsPattern("rollback:1 +done");

    assertThat(CliRun.of("limits", job, "--rows-per-second=none", "--max-units=none", coordinator).output())
        .contains("rows/s none");
    CliRun resume = CliRun.of("resume", job, coordinator);
    assertThat(resume.exitCode()).as(resume.output()).isZero();
    assertThat(resume.output()).contains("job " + job + " is running");
    CliRun watch = CliRun.of(300, "status", job, "--watch", coordinator);
    assertThat(watch.exitCode()).as(watch.output()).isZero();
    new TargetChecks(pg, Map.of("a", tenantA, "b", tenantB), target, "verbs", "tenant_id").assertTargetEqualsSources(Fixture.TABLES);

    CliRun verify = CliRun.of("verify", job, "--json", coordinator);
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(json(verify).path("state").asText()).isEqualTo("verifying");
    assertThat(CliRun.of(300, "status", job, "--watch", coordinator).exitCode()).isZero();
    CliRun throughput = CliRun.of("throughput", job, "--minutes=60", coordinator);
    assertThat(throughput.exitCode()).as(throughput.output()).isZero();
    assertThat(throughput.output()).contains("ROWS/S", "#");
    CliRun report = CliRun.of("report", job, coordinator);
    assertThat(report.exitCode()).as(report.output()).isZero();
    assertThat(report.output()).contains("verdict: clean");
    CliRun cancel = CliRun.of("cancel", job, coordinator);
    assertThat(cancel.exitCode()).isEqualTo(1);
    assertThat(cancel.output()).contains("HTTP 409: invalid job state", job);
  }

  /**
   * The dashboard in a real browser against this cluster: a job submitted from the page (after its dry run's
   * plan), its bars moving and its chart drawn, its rate limit changed from the page (the API has it), paused and
   * resumed; a target constraint added while it is paused refuses a tenant's rows and fails its unit, whose full
   * error the page opens; that tenant rolled back from the grid. Screenshots of the main pages go to target/dashboard-screenshots.
   */
  @Test
  void theDashboardSubmitsWatchesAndSteersAJobInABrowser() throws Exception {
    Map<String, Object> spec = spec("dash", "dash");
    spec.put("tables", Map.of("include", List.of("public.items", "public.codes")));
    // Small units under a rate limit: many are still to copy when the job is paused (a paused unit runs to its end).
    spec.put("unit", Map.of("rows", 2000));
    spec.put("limits", Map.of("rowsPerSecond", 2500));
    String job;
    try (DashboardBrowser browser = new DashboardBrowser(cluster.apiUrl(), Path.of("target", "dashboard-screenshots"))) {
      browser.open("#/submit");
      assertThat(browser.module("/ui/grid.js", """
          const cells = [['t10', 'x', 'done', 5, 5], ['t2', 'x', 'copying', 1, 4], ['t2', 'y', 'done', 2, 2], ['t1', 'x', 'failed', 0, 3],
              ['t3', 'x', 'stopped', 0, 1], ['t3', 'y', 'done', 1, 1]]
            .map(([tenant, table, state, rowsDone, rowsEstimated]) => ({ tenant, table, state, rowsDone, rowsEstimated, rowsRejected: 0 }));
          return [m.tenantRows(cells).map(r => r.tenant + ':' + r.state), m.tenantRows(cells, { sort: 'progress' }).map(r => r.tenant),
            m.tenantRows(cells, { state: 'active' }).map(r => r.tenant), m.tenantRows(cells, { text: 'Y' }).map(r => r.cells.length)];"""))
          .as("natural order, a tenant's least advanced state, sort by progress, filters")
          .isEqualTo("[[\"t1:failed\",\"t2:copying\",\"t3:stopped\",\"t10:done\"],[\"t1\",\"t2\",\"t3\",\"t10\"],"
              + "[\"t1\",\"t2\",\"t3\"],[1,1]]");
      assertThat(browser.module("/ui/format.js",
          "return [m.duration(3725), m.compact(1234567), m.safeUrl('jdbc:postgresql://h/db?user=u&password=s3cret'), m.esc('<b>')];"))
          .isEqualTo("[\"1 h 02 min\",\"1.2M\",\"jdbc:postgresql://h/db?user=u&password=***\",\"&lt;b&gt;\"]");

      browser.script("const t = document.getElementById('spec'); t.value = arguments[0]; t.dispatchEvent(new Event('input'));",
          Json.encode(spec));
      browser.click("#dry-run");
      assertThat(browser.find("#plan").getText()).contains("Plan of dash", "dash.items", "dash.codes");
      browser.click("#submit");
      job = browser.until("the job's page", d -> {
        String url = d.getCurrentUrl();
        return url.contains("#/jobs/") ? url.substring(url.indexOf("#/jobs/") + 7) : null;
      });
      assertThat(api.get("/api/v1/jobs/" + job).status()).isEqualTo(200);

      double first = browser.until("the job's bar moves", d -> progress(browser) > 0 ? progress(browser) : null);
      browser.until("the job's bar moves on", d -> progress(browser) > first ? true : null);
      browser.until("a tenant's bar in the grid", d -> Boolean.TRUE.equals(browser.script(
          "return [...document.querySelectorAll('#g-body .tenant-row .bar')].some(b => +b.getAttribute('aria-valuenow') > 0)")) ? true : null);
      browser.until("the chart draws", d -> Boolean.TRUE.equals(browser.script(
          "const svg = document.querySelector('#j-chart svg'); return !!svg && +svg.dataset.points > 0 && +svg.dataset.peak > 0"
              + " && (svg.querySelector('path.line.rows')?.getAttribute('d') || '').includes('L')")) ? true : null);

      var rate = browser.find("#j-limits [name=rowsPerSecond]");
      rate.clear();
      rate.sendKeys("3500");
      browser.click("#j-limits-apply");
      browser.script("window.scrollTo(0, 0)");
      Poll.untilTrue("the API has the new limit", Duration.ofMinutes(1), () ->
          api.get("/api/v1/jobs/" + job).body().path("spec").path("limits").path("rowsPerSecond").asLong() == 3500);
      browser.screenshot("job");

      // One tenant paused from the grid while the job runs on, then resumed.
      String scoped = (String) browser.script("return document.querySelector('#g-body .tenant-row').dataset.tenant");
      browser.click("#g-body button[data-action=scope-pause][data-tenant='" + scoped + "']:not([data-table])");
      browser.confirm();
      Poll.untilTrue("tenant " + scoped + " paused", Duration.ofMinutes(1),
          () -> !api.get("/api/v1/jobs/" + job).body().path("scopes").isEmpty());
      JsonNode held = api.get("/api/v1/jobs/" + job).body();
      assertThat(held.path("scopes").toString())
          .isEqualTo("[{\"tenant\":\"" + scoped + "\",\"table\":null,\"state\":\"paused\"}]");
      assertThat(held.path("state").asText()).isEqualTo("running");
      browser.click("#g-body button[data-action=scope-resume][data-tenant='" + scoped + "']:not([data-table])");
      browser.confirm();
      Poll.untilTrue("tenant " + scoped + " resumed", Duration.ofMinutes(1),
          () -> api.get("/api/v1/jobs/" + job).body().path("scopes").isEmpty());

      browser.click("#act-pause");
      browser.confirm();
      Poll.untilTrue("paused", Duration.ofMinutes(1), () -> api.get("/api/v1/jobs/" + job).body().path("state").asText().equals("paused"));
      browser.until("the page says paused", d -> browser.text("#j-name").contains("PAUSED") ? true : null);
      Poll.untilTrue("no unit of " + job + " runs", Duration.ofMinutes(1),
          () -> api.get("/api/v1/jobs/" + job + "/units?state=leased").body().path("units").isEmpty());
      // A tenant with an items unit still to copy (a 2000-row unit commits once, at its end) gets its rows refused.
      List<String> unfinished = new java.util.ArrayList<>();
      api.get("/api/v1/jobs/" + job + "/units?kind=copy").body().path("units").forEach(u -> {
        if (u.path("table").asText().equals("dash.items") && !u.path("state").asText().equals("done")) {
          unfinished.add(u.path("tenantId").asText());
        }
      });
      assertThat(unfinished).as("an items unit still to copy").isNotEmpty();
      String refused = unfinished.contains("a") ? "a" : unfinished.getFirst();
      try (Connection t = pg.connect(target); var st = t.createStatement()) {
        st.execute("ALTER TABLE dash.items ADD CONSTRAINT no_more_rows_of_" + refused + " CHECK (tenant_id <> '" + refused + "') NOT VALID");
      }
      browser.click("#act-resume");
      browser.confirm();
      Poll.untilTrue("failed on the refused row", Duration.ofMinutes(3),
          () -> api.get("/api/v1/jobs/" + job).body().path("state").asText().equals("failed"));

      browser.click("#j-failed details.failed summary");
      browser.until("the failed unit's error", d -> browser.text("#j-failed details.failed[open] pre.error").contains("no_more_rows_of_" + refused) ? true : null);
      String tenant = api.get("/api/v1/jobs/" + job).body().path("failedUnits").path(0).path("tenant").asText();
      assertThat(tenant).isEqualTo(refused);
      browser.screenshot("job-failed");
      // A rollback waits for the selected units to stop (their workers are told to at their next heartbeat).
      Poll.untilTrue("no unit of " + job + " runs", Duration.ofMinutes(1),
          () -> api.get("/api/v1/jobs/" + job + "/units?state=leased").body().path("units").isEmpty());
      browser.click("#g-body button[data-action=rollback][data-tenant='" + tenant + "']:not([data-table])");
      assertThat(browser.find("dialog[open] #rb-tenant").getAttribute("value")).isEqualTo(tenant);
      browser.confirm();
      Poll.untilTrue("tenant " + tenant + " rolled back", Duration.ofMinutes(2), () -> {
        JsonNode units = api.get("/api/v1/jobs/" + job + "/units?kind=rollback").body().path("units");
        return units.size() == 1 && units.get(0).path("state").asText().equals("done")
            && units.get(0).path("tenantId").asText().equals(tenant);
      });
      browser.until("the page says paused after the rollback", d -> browser.text("#j-name").contains("PAUSED") ? true : null);

      browser.open("#/jobs");
      browser.find(".job-row[data-job='" + job + "']");
      browser.screenshot("jobs");
      browser.open("#/workers");
      browser.until("both workers", d -> d.findElements(org.openqa.selenium.By.cssSelector(".worker-row")).size() == 2 ? true : null);
      assertThat(browser.text(".worker-row td:nth-child(4)")).as("uptime").isNotEqualTo("–");
      browser.screenshot("workers");
      assertThat(browser.script("return performance.getEntriesByType('resource').map(e => e.name)"
          + ".filter(n => !n.startsWith(location.origin + '/')).length")).as("nothing loaded from elsewhere").isEqualTo(0L);
    }
    // Not left paused beside the other tests' jobs.
    assertThat(api.post("/api/v1/jobs/" + job + "/cancel", "", "application/json").status()).isEqualTo(200);
  }

  /** The job page's overall progress bar, percent. */
  static double progress(DashboardBrowser browser) {
    String value = browser.attribute("#j-stats .bar", "aria-valuenow");
    return value == null ? 0 : Double.parseDouble(value);
  }

  /** Finish put back the primary key (with the tenant column first), the secondary index and the foreign key. */
  /** Last: SIGTERM is a graceful stop for every process, which then exits 0 (not the JVM's 143). */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyProcessStopsOnSigtermWithStatusZero() throws Exception {
    for (Process worker : cluster.workers()) {
      cluster.terminate(worker);
      assertThat(worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the worker exits").isTrue();
      assertThat(worker.exitValue()).as("worker exit status").isZero();
    }
    Process coordinator = cluster.coordinator();
    cluster.terminate(coordinator);
    assertThat(coordinator.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the coordinator exits").isTrue();
    assertThat(coordinator.exitValue()).as("coordinator exit status").isZero();
    assertThat(Files.readString(cluster.logOf(coordinator))).contains("Coordinator stopping");
  }

  void assertFinishedTables(Connection targetDb) throws SQLException {
    assertThat(count(targetDb, """
        SELECT count(*) FROM pg_constraint WHERE conrelid = 'merged.items'::regclass AND contype = 'p'""")).isEqualTo(1);
    assertThat(count(targetDb, """
        SELECT count(*) FROM pg_constraint WHERE conrelid = 'merged.orders'::regclass AND contype = 'f'""")).isEqualTo(1);
    assertThat(count(targetDb, """
        SELECT count(*) FROM pg_indexes WHERE schemaname = 'merged' AND tablename = 'orders'
          AND indexdef LIKE '%customer_id%' AND indexdef NOT LIKE '%UNIQUE%'""")).isGreaterThanOrEqualTo(1);
  }

  /** The JSON a command printed with --json (after anything the JVM itself may have said). */
  static JsonNode json(CliRun run) throws Exception {
    int start = run.output().indexOf('{');
    assertThat(start).as(run.output()).isNotNegative();
    return Json.mapper().readTree(run.output().substring(start));
  }

  static long count(Connection c, String sql) throws SQLException {
    return TargetChecks.count(c, sql);
  }
}
