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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exactly once from SQL Server under kill -9: three SQL Server tenants (the Babelfish test server, or
 * {@code FERRY_TEST_MSSQL_URL}) consolidated into PostgreSQL, and at the same time a fourth database copied
 * into a SQL Server database (SQL Server → SQL Server), by a coordinator and two workers in JVMs of their
 * own, while first a worker and then the coordinator are killed -9 in the middle of a copy unit of each job
 * (the coordinator is started again). The jobs' rate limits make every unit last seconds whatever the
 * machine's speed, so each kill lands mid-copy: it strikes only once a unit of each job has a checkpoint
 * with rows that is not done, the worker's on the same worker. Then each target must equal its sources per
 * tenant and table (PostgreSQL: count and checksum through the type mapping; SQL Server: every row and
 * value), the copy checkpoints must add up to the source rows, the killed worker's units must have
 * finished under a newer lease, and the SQL Server target's {@code ferry.jobs} must say succeeded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerFaultInjectionIT {

  static final int ITEMS = 20_000;
  /** The SQL Server → SQL Server job's items: loads into Babelfish are slower, so fewer rows last as long. */
  static final int S2S_ITEMS = 4_000;
  static final int S2S_ROWS_PER_SECOND = 200;
  static final int TAGS = 50;
  static final List<String> TABLES = List.of("items", "tags");
  /**
   * Job-wide: 60,000 item rows take ~20 s, so each item unit is mid-copy for seconds, and the job still copies
   * when the worker killed first has lost its leases and the coordinator is killed.
   */
  static final int ROWS_PER_SECOND = 3_000;
  static final String[] COORDINATOR_ARGS = {"--lease-timeout", "4s", "--chunk-rows", "1000"};
  static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  static final String PASSWORD_ENV = "FERRY_IT_MSSQL_PASSWORD";

  final Map<String, String> tenants = new LinkedHashMap<>();
  String s2sSource;
  String s2sTarget;
  final List<String> created = new ArrayList<>();
  final List<Process> workers = new ArrayList<>();
  TestPostgres pg;
  String target;
  ProcessCluster cluster;
  ApiClient api;
  JobProbe jobs;
  String s2sJob = "";

  @BeforeAll
  void start() throws Exception {
    cluster = new ProcessCluster(Path.of(System.getProperty("ferry.jar")),
        Files.createDirectories(Path.of("target", "it-logs", getClass().getSimpleName())));
    // A restarted coordinator resumes only a job whose secrets are references it can resolve again.
    cluster.environment(PASSWORD_ENV, SqlServerConsolidationIT.PASSWORD);
    // Its JVMs start while the databases fill.
    cluster.startCoordinator(COORDINATOR_ARGS);
    // Two workers: one is killed, the other carries on; fewer JVMs keep the test fast on a small machine.
    for (int i = 0; i < 2; i++) {
      workers.add(cluster.startWorker(2));
    }
    // Created one after another (concurrent CREATE DATABASE can fail on Babelfish), filled side by side.
    for (String tenant : List.of("a", "b", "c")) {
      tenants.put(tenant, database("ferry_t_kill_" + tenant));
    }
    s2sSource = database("ferry_t_kill_s");
    s2sTarget = database("ferry_t_kill_s2s");
    try (ExecutorService fills = Executors.newFixedThreadPool(tenants.size() + 1)) {
      List<Future<Void>> filled = new ArrayList<>();
      tenants.forEach((tenant, url) -> filled.add(fills.submit(() -> {
        fill(url, tenant, ITEMS);
        return null;
      })));
      filled.add(fills.submit(() -> {
        fill(s2sSource, "s", S2S_ITEMS);
        return null;
      }));
      for (Future<Void> fill : filled) {
        fill.get();
      }
    }
    pg = new TestPostgres();
    target = pg.createDatabase("mssql_kill");
    api = ItCluster.ready(cluster, null, 2);
    jobs = new JobProbe(api);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
    SqlServerConsolidationIT.dropDatabases(created);
  }

  String database(String prefix) throws Exception {
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    SqlServerConsolidationIT.createDatabase(name);
    created.add(name);
    return SqlServerConsolidationIT.SERVER + ";databaseName=" + name;
  }

  /** Items of most column kinds (a NULL in every nullable column now and then), and a small second table. */
  static void fill(String url, String tenant, int items) throws Exception {
    SqlServerConsolidationIT.execute(url, """
        CREATE TABLE dbo.items (id int NOT NULL PRIMARY KEY, name nvarchar(100) NULL, amount decimal(18,4) NOT NULL,
          at datetime2(3) NOT NULL, flag bit NOT NULL, ref uniqueidentifier NULL, blob varbinary(64) NULL)""", """
        CREATE TABLE dbo.tags (id int NOT NULL PRIMARY KEY, label varchar(20) NOT NULL)""", """
        WITH d AS (SELECT v FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) x (v)),
        k AS (SELECT a.v + 10 * b.v + 100 * c.v AS v FROM d a CROSS JOIN d b CROSS JOIN d c),
        n AS (SELECT TOP (%d) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS int) AS i FROM k a CROSS JOIN k b)
        INSERT INTO dbo.items (id, name, amount, at, flag, ref, blob)
        SELECT i, CASE WHEN i %% 11 = 0 THEN NULL ELSE N'Item ✓ ' + CAST(i AS nvarchar(10)) + N' of %s' END,
          CAST(i AS decimal(18,4)) * 1.0625 - 5000, DATEADD(second, i, CAST('2024-02-29T12:00:00.125' AS datetime2(3))),
          CASE WHEN i %% 3 = 0 THEN 1 ELSE 0 END,
          CASE WHEN i %% 13 = 0 THEN NULL ELSE CAST('6F9619FF-8B86-D011-B42D-' + RIGHT('00000000000' + CAST(i AS varchar(12)), 12) AS uniqueidentifier) END,
          CASE WHEN i %% 17 = 0 THEN NULL ELSE CAST(CAST(i AS bigint) * 2654435761 AS varbinary(8)) END
        FROM n""".formatted(items, tenant), """
        INSERT INTO dbo.tags (id, label) SELECT TOP (%d) id, 'tag-' + CAST(id AS varchar(10)) FROM dbo.items ORDER BY id"""
        .formatted(TAGS));
  }

  @Test
  void everyRowOnceAfterAWorkerAndTheCoordinatorAreKilledMidCopy() throws Exception {
    // Submitted together: a submission waits for its preflight, which on a busy server takes longer than a copy.
    CompletableFuture<String> s2s = CompletableFuture.supplyAsync(() -> {
      try {
        return submitSqlServerToSqlServer();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    String job = submit();
    s2sJob = s2s.join();

    // 1. kill -9 a worker holding a unit of each job that is part-way through its range.
    List<String> units = Poll.until("a worker with a copy unit of each job part-way through its range", JOB_LIMIT,
        () -> unitsInFlightOnOneWorker(job, s2sJob));
    JsonNode unit = leased(job, units.get(0));
    Process victim = processOf(unit.path("workerId").asText());
    long[] killedEpochs = {unit.path("epoch").asLong(), leased(s2sJob, units.get(1)).path("epoch").asLong()};
    String[] jobsOfUnits = {job, s2sJob};
    long[] rowsAtKill = {checkpoint(job, units.get(0))[0], checkpoint(s2sJob, units.get(1))[0]};
    cluster.kill(victim);
    workers.remove(victim);
    note("killed worker %s (pid %d) holding %s at %d rows and %s at %d rows", unit.path("workerId").asText(), victim.pid(),
        units.get(0), rowsAtKill[0], units.get(1), rowsAtKill[1]);
    for (int i = 0; i < 2; i++) {
      String killedJob = jobsOfUnits[i];
      String killedUnit = units.get(i);
      long killedEpoch = killedEpochs[i];
      Poll.untilTrue("the killed worker's unit " + killedUnit + " is taken over under a newer lease", Duration.ofSeconds(30), () -> {
        JsonNode now = unitById(killedJob, killedUnit);
        return now != null && now.path("epoch").asLong() > killedEpoch
            && ("done".equals(now.path("state").asText()) || "leased".equals(now.path("state").asText()));
      });
    }

    // 2. kill -9 the coordinator while a unit of each job is part-way through, and start it again.
    List<String> second = Poll.until("a copy unit of each job part-way through its range", JOB_LIMIT,
        () -> unitInFlight(job) == null || unitInFlight(s2sJob) == null ? null : List.of(unitInFlight(job), unitInFlight(s2sJob)));
    note("killing the coordinator while %s and %s are part-way", second.get(0), second.get(1));
    cluster.kill(cluster.coordinator());
    long restartAt = System.nanoTime();
    cluster.startCoordinator(COORDINATOR_ARGS);
    Poll.untilTrue("the restarted coordinator is ready", Duration.ofMinutes(1), () -> api.get("/ready").status() == 200);
    note("the coordinator was back %d ms after the kill", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt));

    JsonNode finished = ended(job);
    assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("succeeded");
    JsonNode s2sFinished = ended(s2sJob);
    assertThat(s2sFinished.path("state").asText()).as(s2sFinished.toString()).isEqualTo("succeeded");

    long sourceRows = assertTargetEqualsSources();
    assertCheckpointsCountTheSourceRows(job);
    for (int i = 0; i < 2; i++) {
      assertThat(checkpoint(jobsOfUnits[i], units.get(i))[1]).as("%s finished under a newer lease", units.get(i))
          .isGreaterThan(killedEpochs[i]);
    }
    assertThat(finished.path("rows").path("done").asLong()).as("the job's rows.done").isEqualTo(sourceRows);

    try (Connection s = SqlServerConsolidationIT.open(s2sSource); Connection t = SqlServerConsolidationIT.open(s2sTarget)) {
      long rows = SqlServerCopies.assertTargetEqualsSource(s, t, List.of("dbo.items", "dbo.tags"), "SQL Server → SQL Server");
      assertThat(rows).isEqualTo(S2S_ITEMS + TAGS);
      assertThat(SqlServerCopies.checkpointRowsByTenantTable(t, s2sJob))
          .containsOnly(Map.entry("s/dbo.items", (long) S2S_ITEMS), Map.entry("s/dbo.tags", (long) TAGS));
      assertThat(SqlServerCopies.checkpointRows(t, s2sJob)).isEqualTo(rows);
      assertThat(s2sFinished.path("rows").path("done").asLong()).as("the SQL Server job's rows.done").isEqualTo(rows);
      assertThat(SqlServerCopies.recordedSucceeded(t, s2sJob)).as("ferry.jobs in the SQL Server target says succeeded").isTrue();
    }
  }

  JsonNode ended(String job) throws Exception {
    return Poll.until(job + " ends", JOB_LIMIT, () -> {
      JsonNode j = jobs.job(job);
      return StatusView.TERMINAL_STATES.contains(j.path("state").asText()) ? j : null;
    });
  }

  /** A copy unit of each job part-way through its range, both leased by one live worker, or null. */
  List<String> unitsInFlightOnOneWorker(String job, String other) throws Exception {
    for (JsonNode u : jobs.units(other, "leased")) {
      String worker = u.path("workerId").asText();
      String otherUnit = inFlight(other, u) ? u.path("id").asText() : null;
      if (otherUnit == null) {
        continue;
      }
      for (JsonNode v : jobs.units(job, "leased")) {
        if (worker.equals(v.path("workerId").asText()) && inFlight(job, v)) {
          return List.of(v.path("id").asText(), otherUnit);
        }
      }
    }
    return null;
  }

  /** Every table of every tenant: the same count and checksum on both sides; no target row beyond them. */
  long assertTargetEqualsSources() throws Exception {
    long total = 0;
    try (Connection t = pg.connect(target)) {
      t.setAutoCommit(false); // PgJDBC streams by the fetch size only inside a transaction
      for (var tenant : tenants.entrySet()) {
        try (Connection s = SqlServerConsolidationIT.open(tenant.getValue())) {
          for (String table : TABLES) {
            List<String> columns = table.equals("items") ? List.of("id", "name", "amount", "at", "flag", "ref", "blob")
                : List.of("id", "label");
            List<MappedChecksum.Reading> readings = MappedChecksum.readings(t, "merged." + table, columns);
            MappedChecksum.Result expected = MappedChecksum.compute(s, "SELECT " + String.join(", ", columns) + " FROM dbo." + table,
                readings, null);
            MappedChecksum.Result actual = MappedChecksum.compute(t, "SELECT " + String.join(", ", columns) + " FROM merged." + table
                + " WHERE tenant_id = ?", readings, tenant.getKey());
            assertThat(actual).as("%s of tenant %s", table, tenant.getKey()).isEqualTo(expected);
            assertThat(expected.rows()).isEqualTo(table.equals("items") ? ITEMS : TAGS);
            total += expected.rows();
          }
        }
      }
      long targetRows = 0;
      for (String table : TABLES) {
        targetRows += TargetChecks.count(t, "SELECT count(*) FROM merged." + table);
      }
      assertThat(targetRows).as("no target row beyond the sources' rows").isEqualTo(total);
      t.rollback();
    }
    return total;
  }

  /** Per tenant and table, the copy checkpoints count exactly the source rows, and every checkpoint is done. */
  void assertCheckpointsCountTheSourceRows(String job) throws Exception {
    Map<String, Long> counted = new TargetProbe(pg).checkpointRowsByTenantTable(target, job);
    for (String tenant : tenants.keySet()) {
      assertThat(counted.get(tenant + "/dbo.items")).as("checkpoint rows of %s/items", tenant).isEqualTo(ITEMS);
      assertThat(counted.get(tenant + "/dbo.tags")).as("checkpoint rows of %s/tags", tenant).isEqualTo(TAGS);
    }
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.checkpoints WHERE job_id = '" + job + "' AND NOT done"))
          .as("checkpoints not done").isZero();
    }
  }

  /** A leased copy unit whose checkpoint has rows and is not done, or null. */
  String unitInFlight(String job) throws Exception {
    for (JsonNode u : jobs.units(job, "leased")) {
      if (inFlight(job, u)) {
        return u.path("id").asText();
      }
    }
    return null;
  }

  /** Whether a leased unit is a copy held by a live worker, with a checkpoint that has rows and is not done. */
  boolean inFlight(String job, JsonNode u) throws Exception {
    if (!"copy".equals(u.path("kind").asText()) || processOfOrNull(u.path("workerId").asText()) == null) {
      return false;
    }
    long[] c = checkpoint(job, u.path("id").asText());
    return c[0] > 0 && c[2] == 0;
  }

  /** A unit's checkpoint, in its job's target: {rows, epoch, done (1) or not (0)}; zeros without one. */
  long[] checkpoint(String job, String unitId) throws Exception {
    if (job.equals(s2sJob)) {
      try (Connection t = SqlServerConsolidationIT.open(s2sTarget); PreparedStatement ps = t.prepareStatement(
          "SELECT [rows], epoch, CASE WHEN done = 1 THEN 1 ELSE 0 END FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ?")) {
        return checkpoint(ps, job, unitId);
      } catch (java.sql.SQLException notYet) {
        return new long[3]; // the ferry schema appears with the job
      }
    }
    try (Connection t = pg.connect(target); PreparedStatement ps = t.prepareStatement(
        "SELECT rows, epoch, CASE WHEN done THEN 1 ELSE 0 END FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ?")) {
      return checkpoint(ps, job, unitId);
    } catch (java.sql.SQLException notYet) {
      return new long[3]; // the ferry schema appears with the job
    }
  }

  private static long[] checkpoint(PreparedStatement ps, String job, String unitId) throws java.sql.SQLException {
    ps.setString(1, job);
    ps.setString(2, unitId);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[3];
    }
  }

  JsonNode leased(String job, String unitId) throws Exception {
    return jobs.units(job, "leased").stream().filter(u -> unitId.equals(u.path("id").asText())).findFirst()
        .orElseThrow(() -> new AssertionError(unitId + " is no longer leased"));
  }

  JsonNode unitById(String job, String unitId) throws Exception {
    for (String state : List.of("leased", "done", "pending")) {
      for (JsonNode u : jobs.units(job, state)) {
        if (unitId.equals(u.path("id").asText())) {
          return u;
        }
      }
    }
    return null;
  }

  Process processOf(String workerId) throws Exception {
    Process p = processOfOrNull(workerId);
    assertThat(p).as("the process of worker %s", workerId).isNotNull();
    return p;
  }

  Process processOfOrNull(String workerId) throws Exception {
    for (JsonNode w : api.get("/api/v1/workers").body().path("workers")) {
      if (workerId.equals(w.path("id").asText())) {
        return workers.stream().filter(p -> p.isAlive() && p.pid() == w.path("pid").asLong()).findFirst().orElse(null);
      }
    }
    return null;
  }

  String submit() throws Exception {
    List<Map<String, Object>> tenantSpecs = new ArrayList<>();
    tenants.forEach((id, url) -> tenantSpecs.add(Map.of("id", id, "url", url, "user", SqlServerConsolidationIT.USER,
        "password", "${env:" + PASSWORD_ENV + "}")));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "it-sqlserver-kill");
    spec.put("source", Map.of("engine", "sqlserver", "tenants", tenantSpecs));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "merged",
        "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", List.of("dbo.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 10_000));
    spec.put("limits", Map.of("rowsPerSecond", ROWS_PER_SECOND));
    // Verify units count against the rate too: at 3,000 rows/s they would add 20 s to a test about the copy.
    spec.put("verify", "none");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    return submitted.body().path("id").asText();
  }

  /** Database {@code s} into the SQL Server target, same names, its password a reference the restarted coordinator resolves. */
  String submitSqlServerToSqlServer() throws Exception {
    Map<String, Object> spec = SqlServerCopies.spec("it-mssql-kill-s2s", "drop_recreate", "s", s2sSource, s2sTarget,
        "${env:" + PASSWORD_ENV + "}", List.of("dbo.*"));
    spec.put("unit", Map.of("rows", 10_000));
    spec.put("limits", Map.of("rowsPerSecond", S2S_ROWS_PER_SECOND));
    spec.put("verify", "none");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    return submitted.body().path("id").asText();
  }

  static void note(String format, Object... args) {
    System.out.printf("SqlServerFaultInjectionIT: %s%n", String.format(format, args));
  }
}
