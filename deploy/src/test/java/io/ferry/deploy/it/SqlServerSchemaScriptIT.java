package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry schema SPEC --out FILE.sql} for SQL Server sources, as a team uses it: the script written from
 * two district databases (identity, a case-insensitive unique key, a CHECK, a default, an index, a foreign key
 * and a key to the table itself), applied by hand, then filled by a {@code preserve_schema} job of the same
 * spec; the target equals the sources, the job's foreign keys hold and the script's checksum is recorded. Into
 * PostgreSQL with composite and with UUID keys, and into SQL Server (a T-SQL script whose batches end with
 * {@code GO}, applied batch by batch as {@code sqlcmd} applies it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerSchemaScriptIT {

  static final List<String> TABLES = List.of("dbo.schools", "dbo.students");
  private static final Pattern CHECKSUM = Pattern.compile("-- ferry:body-end sha256=([0-9a-f]{64})");

  final Map<String, String> districts = new LinkedHashMap<>();
  final List<String> created = new ArrayList<>();
  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;

  @BeforeAll
  void start() throws Exception {
    for (String district : List.of("d1", "d2")) {
      String url = sqlServerDatabase("ferry_t_script_" + district);
      districts.put(district, url);
      int n = Integer.parseInt(district.substring(1));
      SqlServerConsolidationIT.execute(url, """
          CREATE TABLE dbo.schools (id int IDENTITY(1,1) PRIMARY KEY, code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS
            NOT NULL CONSTRAINT uq_schools_code UNIQUE, name nvarchar(40) NOT NULL, seats int NOT NULL DEFAULT 30,
            CONSTRAINT ck_schools_seats CHECK (seats > 0))""", """
          CREATE TABLE dbo.students (id int PRIMARY KEY, school_id int NOT NULL REFERENCES dbo.schools (id),
            mentor_id int NULL REFERENCES dbo.students (id), name nvarchar(40) NULL, born date NULL)""",
          "CREATE INDEX ix_students_name ON dbo.students (name)", """
          INSERT INTO dbo.schools (code, name) VALUES ('North', N'École nord'), ('south', N'South'), ('EAST', N'East %d')"""
              .formatted(n), """
          WITH d AS (SELECT 0 AS v UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
            UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
          s AS (SELECT a.v + 10 * b.v + 1 AS i FROM d a, d b)
          INSERT INTO dbo.students (id, school_id, mentor_id, name, born)
          SELECT i, i %% 3 + 1, CASE WHEN i > 1 AND i %% 4 = 0 THEN i - 1 END,
            CASE WHEN i %% 9 = 0 THEN NULL ELSE N'Zoë ' + CAST(i AS nvarchar(10)) + N' of d%d' END,
            DATEADD(day, i, CAST('2010-01-01' AS date))
          FROM s ORDER BY i""".formatted(n));
    }
    pg = new TestPostgres();
    cluster = ItCluster.start(getClass(), 1, 2);
    api = ItCluster.ready(cluster, null, 1);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
    SqlServerConsolidationIT.dropDatabases(created);
  }

  @Test
  void aScriptOfCompositeKeysIsFilledByAPreserveSchemaJob(@TempDir Path dir) throws Exception {
    String target = pg.createDatabase("script_composite");
    filledPostgres(dir, consolidation("script-composite", target, "composite"), target, "psql -v ON_ERROR_STOP=1",
        "-- table city.schools (tenants d1, d2)", "CREATE TABLE \"city\".\"schools\"", "ferry_ci_as",
        "PRIMARY KEY (\"district\", \"id\")", "REFERENCES \"city\".\"schools\"");
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
          + " AND conrelid = 'city.students'::regclass AND pg_get_constraintdef(oid) LIKE 'FOREIGN KEY (district, %'"))
          .as("both foreign keys of the script, dropped for the copy, are back").isEqualTo(2);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.dropped_constraints")).isZero();
      // The identity continues past every district's rows.
      try (Statement st = t.createStatement()) {
        st.execute("INSERT INTO city.schools (district, code, name) VALUES ('d1', 'west', 'West')");
      }
      assertThat(TargetChecks.count(t, "SELECT id FROM city.schools WHERE code = 'west'")).isEqualTo(4);
    }
  }

  @Test
  void aScriptOfUuidKeysIsFilledByAPreserveSchemaJob(@TempDir Path dir) throws Exception {
    String target = pg.createDatabase("script_uuid");
    filledPostgres(dir, consolidation("script-uuid", target, "uuid"), target, "\"uuid\" uuid", "\"school_id_uuid\" uuid",
        "\"mentor_id_uuid\" uuid", "REFERENCES \"city\".\"schools\" (\"uuid\")", "CREATE SCHEMA IF NOT EXISTS ferry");
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM city.students s JOIN city.schools c ON c.uuid = s.school_id_uuid"
          + " AND c.district = s.district AND c.id = s.school_id")).isEqualTo(200);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM city.students s JOIN city.students m ON m.uuid = s.mentor_id_uuid"
          + " AND m.district = s.district AND m.id = s.mentor_id")).isEqualTo(50);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM city.students WHERE uuid = ('"
          + io.ferry.worker.dialect.FerryUuid.of("d2", "dbo.students", List.of("7")) + "')::uuid AND district = 'd2' AND id = 7"))
          .isEqualTo(1);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
          + " AND conrelid = 'city.students'::regclass")).isEqualTo(2);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.id_map WHERE table_name = 'dbo.students'")).isEqualTo(200);
    }
  }

  @Test
  void aTsqlScriptIsFilledByAPreserveSchemaJobIntoSqlServer(@TempDir Path dir) throws Exception {
    String target = sqlServerDatabase("ferry_t_script_target");
    Map<String, Object> spec = SqlServerCopies.spec("script-mssql", "preserve_schema", "d1", districts.get("d1"), target,
        SqlServerConsolidationIT.PASSWORD, TABLES);
    String sql = written(dir, spec);
    assertThat(sql).as(sql).contains("sqlcmd -b -i FILE.sql", "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\nGO\n",
        "CREATE TABLE [dbo].[schools]", "IDENTITY(1, 1)", "COLLATE", ";\nGO\n", "COMMIT TRANSACTION;\nGO\n")
        .doesNotContain("timestamptz", "ON CONFLICT");
    String checksum = checksum(sql);
    try (Connection t = SqlServerConsolidationIT.open(target); Statement st = t.createStatement()) {
      // As sqlcmd runs it: each batch up to a GO line on its own, on one session.
      for (String batch : sql.split("(?m)^GO\\n")) {
        if (!batch.isBlank()) {
          st.execute(batch);
        }
      }
    }

    JsonNode job = succeeded(spec);
    try (Connection s = SqlServerConsolidationIT.open(districts.get("d1")); Connection t = SqlServerConsolidationIT.open(target)) {
      assertThat(SqlServerCopies.assertTargetEqualsSource(s, t, TABLES, "preserve_schema after the script")).isEqualTo(103);
      assertThat(SqlServerCopies.checkpointRows(t, job.path("id").asText())).isEqualTo(103);
      assertThat(SqlServerConsolidationIT.row(t, "SELECT job FROM ferry.schema_scripts WHERE checksum = '" + checksum + "'"))
          .containsExactly("script-mssql");
      assertThat(SqlServerConsolidationIT.row(t, "SELECT count(*) FROM sys.foreign_keys WHERE parent_object_id ="
          + " OBJECT_ID('dbo.students')")).as("both foreign keys of the script, dropped for the copy, are back").containsExactly("2");
      assertThat(SqlServerConsolidationIT.row(t, "SELECT count(*) FROM sys.check_constraints WHERE parent_object_id ="
          + " OBJECT_ID('dbo.schools')")).containsExactly("1");
    }
  }

  /** A consolidation of both districts into {@code schema} city of {@code target}, mode preserve_schema. */
  private Map<String, Object> consolidation(String name, String target, String keys) {
    List<Map<String, Object>> tenants = new ArrayList<>();
    districts.forEach((id, url) -> tenants.add(Map.of("id", id, "url", url, "user", SqlServerConsolidationIT.USER,
        "password", SqlServerConsolidationIT.PASSWORD)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("source", Map.of("engine", "sqlserver", "tenants", tenants));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "city",
        "tenantColumn", "district", "keys", keys));
    spec.put("tables", Map.of("include", TABLES));
    spec.put("mode", "preserve_schema");
    spec.put("unit", Map.of("rows", 40));
    return spec;
  }

  /** {@code ferry schema} of the spec, through the CLI: the script's text, after checking the command's report. */
  private String written(Path dir, Map<String, Object> spec) throws Exception {
    Path file = dir.resolve("spec.json");
    Files.writeString(file, Json.encode(spec));
    Path script = dir.resolve("schema.sql");
    CliRun run = CliRun.of("schema", file.toString(), "--out", script.toString(), "--coordinator", cluster.apiUrl());
    assertThat(run.exitCode()).as(run.output()).isZero();
    String sql = Files.readString(script);
    assertThat(sql).contains("-- Ferry schema script: the target DDL of job " + spec.get("name"),
        "planned as mode create (the spec says preserve_schema)");
    assertThat(run.output()).contains("(2 tables, checksum " + checksum(sql) + ")").doesNotContain(SqlServerConsolidationIT.PASSWORD);
    return sql;
  }

  private static String checksum(String sql) {
    Matcher end = CHECKSUM.matcher(sql);
    assertThat(end.find()).as(sql).isTrue();
    return end.group(1);
  }

  /**
   * The spec's script, holding {@code expected}, applied to {@code target} and filled by the spec's job: the
   * target equals the sources and the script's checksum is recorded.
   */
  private void filledPostgres(Path dir, Map<String, Object> spec, String target, String... expected) throws Exception {
    String sql = written(dir, spec);
    assertThat(sql).as(sql).contains("-- source: sqlserver, tenants d1, d2").contains(expected);
    try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
      st.execute(sql);
    }
    succeeded(spec);
    assertPostgresEqualsSources(target, "city");
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.schema_scripts WHERE checksum = '" + checksum(sql)
          + "' AND job = '" + spec.get("name") + "' AND applied_at <= now()")).isEqualTo(1);
    }
  }

  private JsonNode succeeded(Map<String, Object> spec) throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    JsonNode job = ClusterWait.finished(api, submitted.body().path("id").asText(), state -> { });
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
    return job;
  }

  private void assertPostgresEqualsSources(String target, String schema) throws Exception {
    try (Connection t = pg.connect(target)) {
      for (var district : districts.entrySet()) {
        try (Connection s = SqlServerConsolidationIT.open(district.getValue())) {
          for (String table : TABLES) {
            Map<String, Integer> expected = CrossEngineRows.source(s, table);
            Map<String, Integer> actual = CrossEngineRows.target(t, schema + "." + table.substring(4), "district",
                district.getKey(), s, table);
            assertThat(actual).as(district.getKey() + " " + table + "\n" + CrossEngineRows.difference(expected, actual))
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  private String sqlServerDatabase(String prefix) throws Exception {
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    SqlServerConsolidationIT.createDatabase(name);
    created.add(name);
    return SqlServerConsolidationIT.SERVER + ";databaseName=" + name;
  }
}
