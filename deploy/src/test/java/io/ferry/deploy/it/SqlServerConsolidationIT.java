package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.testsupport.SqlServerDatabaseLock;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A coordinator and two workers as separate JVM processes consolidate three SQL Server district databases
 * (the shared Babelfish server on 127.0.0.1:1433, or {@code FERRY_TEST_MSSQL_URL}) into one PostgreSQL
 * schema with a tenant column: row counts per district, exact values and the tenant-led keys are checked;
 * then again with {@code target.keys: uuid} into a second schema; and SQL Server → SQL Server in every mode.
 * The tests run one after another, each job into a target database of its own. Side by side (JUnit's
 * concurrent mode) they took about as long on 2 cores, and once a job's prepare failed with "schema already
 * exists" on Babelfish, which is not understood yet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
class SqlServerConsolidationIT {

  static final Map<String, Integer> PEOPLE = Map.of("d1", 3000, "d2", 2000, "d3", 1000);
  static final String SERVER = env("FERRY_TEST_MSSQL_URL", "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;trustServerCertificate=true");
  static final String USER = env("FERRY_TEST_MSSQL_USER", "ferry");
  static final String PASSWORD = env("FERRY_TEST_MSSQL_PASSWORD", "Ferry-test-1");
  /** Districts 2 and 3's small tables of every key shape and type that the SQL Server → SQL Server mode tests copy. */
  static final List<String> MODES = List.of("modes.people", "modes.schools", "modes.classes", "modes.devices",
      "modes.badges", "modes.measures");

  final Map<String, String> districts = new LinkedHashMap<>();
  /** Target databases by test: PostgreSQL ones by name, SQL Server ones by JDBC URL. */
  final Map<String, String> pgTargets = new LinkedHashMap<>();
  final Map<String, String> sqlServerTargets = new LinkedHashMap<>();
  final List<String> created = new ArrayList<>();
  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;

  /**
   * Every database is created here, one after another: concurrent CREATE DATABASE can fail on Babelfish. Only
   * the upsert test changes a source, so it copies district 2's own {@code modes} tables.
   */
  @BeforeAll
  void start() throws Exception {
    // Its JVMs start while the districts fill.
    cluster = ItCluster.start(getClass(), 2, 2);
    for (String district : List.of("d1", "d2", "d3")) {
      districts.put(district, sqlServerDatabase("ferry_t_" + district));
    }
    for (String target : List.of("mssql_target", "modes", "upsert", "append")) {
      sqlServerTargets.put(target, sqlServerDatabase("ferry_t_" + target));
    }
    pg = new TestPostgres();
    for (String target : List.of("city", "shapes", "uuid")) {
      pgTargets.put(target, pg.createDatabase("mssql_" + target));
    }
    // Each district's statements wait on the server one after another: the three fill side by side.
    try (ExecutorService fills = Executors.newFixedThreadPool(districts.size())) {
      List<Future<Void>> filled = new ArrayList<>();
      districts.forEach((district, url) -> filled.add(fills.submit(() -> {
        fillDistrict(district, url);
        return null;
      })));
      for (Future<Void> fill : filled) {
        fill.get();
      }
    }
    api = ItCluster.ready(cluster, null, 2);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
    dropDatabases(created);
  }

  /** People and visits, the key shapes, the case-insensitive codes; districts 2 and 3 also the {@code modes} tables. */
  static void fillDistrict(String district, String url) throws SQLException {
    fill(url, district, PEOPLE.get(district));
    try (Connection c = open(url)) {
      SqlServerShapes.create(c, Integer.parseInt(district.substring(1)));
      if (!district.equals("d1")) {
        SqlServerShapes.createModes(c);
      }
    }
    // Children that SQL Server matches to a case-insensitive parent key only by its collation.
    execute(url, "CREATE SCHEMA ci", "CREATE TABLE ci.codes (code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS"
        + " NOT NULL PRIMARY KEY, label nvarchar(20) NULL)", "CREATE TABLE ci.uses (id int PRIMARY KEY, code varchar(10)"
        + " COLLATE SQL_Latin1_General_CP1_CI_AS NULL REFERENCES ci.codes (code))",
        "INSERT INTO ci.codes VALUES ('abc', N'a'), ('Déjà', N'd')",
        "INSERT INTO ci.uses VALUES (1, 'ABC '), (2, 'abc'), (3, 'dÉjÀ  '), (4, NULL)");
  }

  /** People with every common column type and a NULL every seventh row; each person has two visits. */
  static void fill(String url, String district, int people) throws SQLException {
    int n = Integer.parseInt(district.substring(1));
    execute(url, """
        CREATE TABLE dbo.people (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(100) NULL, balance decimal(18,4) NOT NULL,
          born datetime2(3) NOT NULL, active bit NOT NULL, ref uniqueidentifier NULL)""", """
        CREATE TABLE dbo.visits (id int IDENTITY(1,1) PRIMARY KEY, person_id int NOT NULL REFERENCES dbo.people(id),
          note nvarchar(50) NULL)""", """
        WITH d AS (SELECT 0 AS v UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
          UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
        s AS (SELECT a.v + 10 * b.v + 100 * c.v + 1000 * e.v + 1 AS i FROM d a, d b, d c, d e)
        INSERT INTO dbo.people (name, balance, born, active, ref)
        SELECT CASE WHEN i %% 7 = 0 THEN NULL ELSE N'Zoë ✓ ' + CAST(i AS nvarchar(10)) + N' of d%d' END,
          CAST(i AS decimal(18,4)) * 1.2345 - 1000, DATEADD(minute, i, CAST('2001-02-03T04:05:06.789' AS datetime2(3))),
          CASE WHEN i %% 2 = 0 THEN 1 ELSE 0 END,
          CASE WHEN i %% 7 = 0 THEN NULL ELSE CAST('6F9619FF-8B86-D011-B42D-' + RIGHT('00000000000' + CAST(i AS varchar(12)), 12) AS uniqueidentifier) END
        FROM s WHERE i <= %d ORDER BY i""".formatted(n, people), """
        INSERT INTO dbo.visits (person_id, note) SELECT id, N'first' FROM dbo.people ORDER BY id""", """
        INSERT INTO dbo.visits (person_id, note) SELECT id, NULL FROM dbo.people ORDER BY id""");
  }

  /**
   * Every district into schema {@code city} of the test's PostgreSQL database, without verification: the
   * tests that verify (key shapes across engines, uuid keys, SQL Server → SQL Server) set it.
   */
  Map<String, Object> spec(String test) {
    List<Map<String, Object>> tenants = new ArrayList<>();
    districts.forEach((id, url) -> tenants.add(Map.of("id", id, "url", url, "user", USER, "password", PASSWORD)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "it-sqlserver");
    spec.put("source", Map.of("engine", "sqlserver", "tenants", tenants));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(pgTargets.get(test)), "user", pg.user(), "schema", "city",
        "tenantColumn", "district"));
    spec.put("tables", Map.of("include", List.of("dbo.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 1000));
    spec.put("verify", "none");
    return spec;
  }

  /** Submits the job and waits for it to end; returns its id and last state. */
  JsonNode run(Map<String, Object> spec) throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as("%s: %s", spec.get("name"), submitted.text()).isEqualTo(201);
    return ClusterWait.finished(api, submitted.body().path("id").asText(), state -> { }, 250);
  }

  @Test
  void consolidatesEveryDistrictIntoOneSchema() throws Exception {
    JsonNode job = run(spec("city"));
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    try (Connection t = pg.connect(pgTargets.get("city"))) {
      for (var district : PEOPLE.entrySet()) {
        String d = district.getKey();
        assertThat(TargetChecks.count(t, "SELECT count(*) FROM city.people WHERE district = '" + d + "'")).as(d).isEqualTo((long) district.getValue());
        assertThat(TargetChecks.count(t, "SELECT count(*) FROM city.visits WHERE district = '" + d + "'")).as(d).isEqualTo(2L * district.getValue());
      }
      assertThat(row(t, "SELECT name, balance::text, born::text, active::text, ref::text FROM city.people WHERE district = 'd2' AND id = 1234"))
          .containsExactly("Zoë ✓ 1234 of d2", "523.3730", "2001-02-04 00:39:06.789", "true", "6f9619ff-8b86-d011-b42d-000000001234");
      assertThat(row(t, "SELECT coalesce(name, '-'), balance::text, active::text, coalesce(ref::text, '-') FROM city.people WHERE district = 'd3' AND id = 7"))
          .containsExactly("-", "-991.3585", "false", "-");
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM city.visits WHERE note IS NULL")).isEqualTo(6000);
      assertThat(row(t, """
          SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
          WHERE c.conrelid = 'city.people'::regclass AND c.contype = 'p'""")).containsExactly("district,id");
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'city.visits'::regclass AND contype = 'f'"))
          .isEqualTo(1);
    }
  }

  /** Verified too: every range of every key shape found clean across the engines. */
  @Test
  void carriesEveryKeyShapeAndMappedTypeExactly() throws Exception {
    Map<String, Object> spec = spec("shapes");
    spec.put("name", "it-sqlserver-shapes");
    spec.put("tables", Map.of("include", List.of("shapes.*")));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(pgTargets.get("shapes")), "user", pg.user(),
        "schema", "shapes_out", "tenantColumn", "district"));
    spec.put("unit", Map.of("rows", 300));
    spec.put("verify", "full");
    JsonNode job = run(spec);
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    try (Connection t = pg.connect(pgTargets.get("shapes"))) {
      for (var district : districts.entrySet()) {
        try (Connection s = open(district.getValue())) {
          for (String table : SqlServerShapes.TABLES) {
            Map<String, Integer> expected = CrossEngineRows.source(s, "shapes." + table);
            Map<String, Integer> actual = CrossEngineRows.target(t, "shapes_out." + table, "district", district.getKey(),
                s, "shapes." + table);
            assertThat(actual).as(district.getKey() + " shapes." + table + "\n" + CrossEngineRows.difference(expected, actual))
                .isEqualTo(expected);
          }
        }
      }
      assertThat(row(t, "SELECT length(content)::text FROM shapes_out.files WHERE district = 'd2' AND name = 'big.bin'"))
          .containsExactly(String.valueOf(5 * 1024 * 1024 / 11 * 11));
      assertThat(TargetChecks.count(t, """
          SELECT count(*) FROM pg_constraint WHERE contype = 'f'
            AND conrelid IN ('shapes_out.classes'::regclass, 'shapes_out.devices'::regclass)""")).isEqualTo(2);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM shapes_out.badges WHERE badge_no IS NULL")).isEqualTo(3);
    }
  }

  /**
   * The same districts again with {@code target.keys: uuid}, into another schema on the same cluster: each
   * row's key is the documented UUID of district, table and id, the visits' foreign key is rewritten to it,
   * the values are those of the composite run, and {@code ferry.id_map} answers; foreign keys that match a
   * case-insensitive parent key with other case and trailing spaces are restored over the UUIDs. Verified
   * too: the ranges are compared through the uuid keys.
   */
  @Test
  void consolidatesEveryDistrictWithUuidKeys() throws Exception {
    Map<String, Object> spec = spec("uuid");
    spec.put("name", "it-sqlserver-uuid");
    spec.put("tables", Map.of("include", List.of("dbo.*", "ci.*")));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(pgTargets.get("uuid")), "user", pg.user(),
        "schema", "city_uuid", "tenantColumn", "district", "keys", "uuid"));
    spec.put("verify", "full");
    JsonNode job = run(spec);
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    try (Connection t = pg.connect(pgTargets.get("uuid"))) {
      long people = PEOPLE.values().stream().mapToLong(Integer::longValue).sum();
      assertThat(TargetChecks.count(t, "SELECT count(DISTINCT uuid) FROM city_uuid.people")).isEqualTo(people);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM city_uuid.visits v JOIN city_uuid.people p"
          + " ON p.uuid = v.person_id_uuid AND p.district = v.district AND p.id = v.person_id")).isEqualTo(2 * people);
      assertThat(row(t, "SELECT uuid::text, name, balance::text, born::text, active::text, ref::text FROM city_uuid.people"
          + " WHERE district = 'd2' AND id = 1234")).containsExactly(
              io.ferry.worker.dialect.FerryUuid.of("d2", "dbo.people", List.of("1234")).toString(),
              "Zoë ✓ 1234 of d2", "523.3730", "2001-02-04 00:39:06.789", "true", "6f9619ff-8b86-d011-b42d-000000001234");
      assertThat(row(t, "SELECT tenant, table_name, source_key::text FROM ferry.id_map WHERE id = '"
          + io.ferry.worker.dialect.FerryUuid.of("d3", "dbo.visits", List.of("5")) + "'"))
          .containsExactly("d3", "dbo.visits", "{5}");
      assertThat(row(t, """
          SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.confkey) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
          WHERE c.conrelid = 'city_uuid.visits'::regclass AND c.contype = 'f'""")).containsExactly("uuid");
      // 'ABC ' and 'dÉjÀ  ' reference 'abc' and 'Déjà' by the collation: same UUIDs, the foreign key holds.
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM city_uuid.uses u JOIN city_uuid.codes c"
          + " ON c.uuid = u.code_uuid AND c.district = u.district")).isEqualTo(9);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'city_uuid.uses'::regclass"
          + " AND contype = 'f' AND convalidated")).isEqualTo(1);
      assertThat(row(t, "SELECT string_agg(id || ':' || coalesce(code, '-'), ',' ORDER BY id) FROM city_uuid.uses"
          + " WHERE district = 'd2'")).containsExactly("1:ABC ,2:abc,3:dÉjÀ  ,4:-");
    }
  }

  /**
   * District 1 copied into another SQL Server database (SQL Server → SQL Server) on the same cluster: every
   * table of both schemas equal row for row, and the coordinator's record of the job kept in the target.
   * Verified too: every range of every key shape found clean between the SQL Server databases.
   */
  @Test
  void copiesADistrictIntoSqlServerAndRecordsTheJobThere() throws Exception {
    String targetUrl = sqlServerTargets.get("mssql_target");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "it-mssql-to-mssql");
    spec.put("source", Map.of("engine", "sqlserver", "tenants",
        List.of(Map.of("id", "d1", "url", districts.get("d1"), "user", USER, "password", PASSWORD))));
    spec.put("target", Map.of("engine", "sqlserver", "url", targetUrl, "user", USER, "password", PASSWORD));
    spec.put("tables", Map.of("include", List.of("dbo.*", "shapes.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 500));
    JsonNode job = run(spec);
    String jobId = job.path("id").asText();
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    try (Connection s = open(districts.get("d1")); Connection t = open(targetUrl)) {
      List<String> tables = new ArrayList<>(List.of("dbo.people", "dbo.visits"));
      for (String table : SqlServerShapes.TABLES) {
        tables.add("shapes." + table);
      }
      for (String table : tables) {
        Map<String, Integer> expected = CrossEngineRows.source(s, table);
        Map<String, Integer> actual = CrossEngineRows.source(t, table);
        assertThat(actual).as(table + "\n" + CrossEngineRows.difference(expected, actual)).isEqualTo(expected);
      }
      assertThat(row(t, "SELECT count(*) FROM ferry.jobs WHERE job_id = '" + jobId + "' AND body LIKE '%\"succeeded\"%'"))
          .containsExactly("1");
      assertThat(Long.parseLong(row(t, "SELECT count(*) FROM ferry.checkpoints WHERE job_id = '" + jobId + "' AND done = 1").get(0)))
          .isGreaterThan(9);
    }
  }

  /**
   * District 3's {@code modes} tables ({@link SqlServerShapes#createModes}) into SQL Server (SQL Server → SQL
   * Server), create, then truncate over the copied rows, then preserve_schema into the emptied tables. After
   * each job (here and in the other mode tests), every table equals its source row for row, the job's
   * checkpoints count the source's rows and its record in the target says succeeded.
   */
  @Test
  void copiesIntoSqlServerCreatingTruncatingAndPreservingTables() throws Exception {
    String target = sqlServerTargets.get("modes");
    intoSqlServer("create", "d3", target, MODES);
    intoSqlServer("truncate", "d3", target, MODES);
    execute(target, "DELETE FROM modes.classes", "DELETE FROM modes.devices", "DELETE FROM modes.schools",
        "DELETE FROM modes.badges", "DELETE FROM modes.measures", "DELETE FROM modes.people");
    intoSqlServer("preserve_schema", "d3", target, MODES);
  }

  /**
   * Upsert into SQL Server creates the tables with their keys, then, after district 2's rows changed and grew
   * (an identity table among them), updates and inserts until the target equals the source again. The table
   * without a primary key sits out.
   */
  @Test
  void upsertsIntoSqlServerUntilTheTargetEqualsTheChangedSource() throws Exception {
    List<String> keyed = MODES.stream().filter(t -> !t.equals("modes.badges")).toList();
    String target = sqlServerTargets.get("upsert");
    intoSqlServer("upsert", "d2", target, keyed);
    execute(districts.get("d2"), """
        UPDATE modes.schools SET name = name + N' (renamed)' WHERE school_code LIKE 'sch-00%'""", """
        INSERT INTO modes.schools (school_code, name) VALUES ('new-1', N'Nouvelle école')""", """
        INSERT INTO modes.classes (school_code, class_no, title) VALUES ('new-1', 1, N'first'), ('new-1', 2, NULL)""", """
        UPDATE modes.devices SET bought = NULL, school_code = 'new-1' WHERE device_id IN (SELECT TOP (40) device_id
          FROM modes.devices ORDER BY device_id DESC)""", """
        UPDATE modes.measures SET vc = NULL, big = big + 1, dto = NULL WHERE id % 50 = 0""", """
        INSERT INTO modes.measures (id, t, vc, big) SELECT id + 100000, 1, 'grown', big FROM modes.measures WHERE id <= 20""",
        "UPDATE modes.people SET name = N'changed ✓' WHERE id % 10 = 1", """
        INSERT INTO modes.people (name, balance, born, active) VALUES (N'newcomer', 1.5, '2020-01-01', 1)""");
    intoSqlServer("upsert", "d2", target, keyed);
  }

  /** Append into SQL Server creates the tables with their keys; a second append of the same rows fails naming the duplicate key. */
  @Test
  void appendsIntoSqlServerAndRefusesADuplicateKey() throws Exception {
    String target = sqlServerTargets.get("append");
    intoSqlServer("append", "d3", target, MODES);
    JsonNode failed = run(SqlServerCopies.spec("it-mssql-append-again", "append", "d3", districts.get("d3"), target,
        PASSWORD, MODES));
    assertThat(failed.path("state").asText()).as(failed.toString()).isEqualTo("failed");
    assertThat(failed.path("failedUnits").isEmpty()).as(failed.toString()).isFalse();
    for (JsonNode unit : failed.path("failedUnits")) {
      assertThat(unit.path("error").asText()).as(failed.toString()).containsIgnoringCase("duplicate key");
    }
  }

  /**
   * Runs one mode of a district's {@code modes} tables into {@code targetUrl} without verification (the
   * comparison follows), then checks the target against the source.
   */
  private void intoSqlServer(String mode, String district, String targetUrl, List<String> tables) throws Exception {
    String sourceUrl = districts.get(district);
    Map<String, Object> spec = SqlServerCopies.spec("it-mssql-" + mode.replace('_', '-'), mode, district, sourceUrl,
        targetUrl, PASSWORD, tables);
    spec.put("unit", Map.of("rows", 1000));
    spec.put("verify", "none");
    JsonNode job = run(spec);
    String jobId = job.path("id").asText();
    assertThat(job.path("state").asText()).as("%s: %s", mode, job).isEqualTo("succeeded");
    try (Connection s = open(sourceUrl); Connection t = open(targetUrl)) {
      long rows = SqlServerCopies.assertTargetEqualsSource(s, t, tables, mode);
      assertThat(SqlServerCopies.checkpointRows(t, jobId)).as("%s: the checkpoints count the source's rows", mode).isEqualTo(rows);
      assertThat(SqlServerCopies.recordedSucceeded(t, jobId)).as("%s: ferry.jobs says succeeded", mode).isTrue();
    }
  }

  /** A new database on the SQL Server, dropped with the class. */
  private String sqlServerDatabase(String prefix) throws SQLException {
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    createDatabase(name);
    created.add(name);
    return SERVER + ";databaseName=" + name;
  }

  static List<String> row(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      List<String> values = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        values.add(rs.getString(i));
      }
      return values;
    }
  }

  /** Creates a database on the SQL Server in the machine-wide turn of the test JVMs ({@link SqlServerDatabaseLock}). */
  static void createDatabase(String name) throws SQLException {
    SqlServerDatabaseLock.run(() -> execute(SERVER, "CREATE DATABASE " + name));
  }

  /** Drops these databases of the SQL Server (those that exist) in the machine-wide turn of the test JVMs. */
  static void dropDatabases(List<String> names) throws SQLException {
    SqlServerDatabaseLock.run(() -> execute(SERVER, names.stream().map(n -> "DROP DATABASE IF EXISTS " + n).toArray(String[]::new)));
  }

  static void execute(String url, String... statements) throws SQLException {
    try (Connection c = open(url); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }

  static Connection open(String url) throws SQLException {
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
