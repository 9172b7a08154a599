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
