package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.worker.Units;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two district databases consolidated into one SQL Server database through the worker's units, as a job with
 * {@code source.engine: sqlserver} and {@code target.engine: sqlserver} runs them: preflight, prepare, copies
 * in ranges cut at the source's points with chunks of a few rows (each committed with its checkpoint in the
 * target's {@code ferry} schema), finish, foreign keys; then the same job again in mode upsert. Every row
 * lands once, value for value.
 */
class SqlServerToSqlServerUnitsIT {

  private static final String JOB = "job-mssql-to-mssql";
  private static final int ROWS = 30;
  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final Map<String, String> DISTRICTS = new LinkedHashMap<>();
  private static final ConnectionPools POOLS = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private static String targetUrl;
  private final UnitExecutor executor = new UnitExecutor(POOLS);

  @BeforeAll
  static void districts() throws Exception {
    for (String d : List.of("d1", "d2")) {
      String url = MSSQL.create("tgt_units_" + d);
      DISTRICTS.put(d, url);
      List<String> sql = new ArrayList<>(List.of(
          "CREATE TABLE dbo.people (id bigint IDENTITY(1,1) PRIMARY KEY, name nvarchar(40) NOT NULL, born datetime2(7),"
              + " seen datetimeoffset(7), pay money)",
          "CREATE TABLE dbo.things (id uniqueidentifier PRIMARY KEY, owner bigint NOT NULL REFERENCES dbo.people (id),"
              + " at time(7), blob varbinary(max))"));
      for (int g = 1; g <= ROWS; g++) {
        sql.add("INSERT INTO dbo.people (name, born, seen, pay) VALUES (N'p" + g + " ✓', '2001-02-03 04:05:06." + (1000000 + g)
            + "', '2020-01-01 10:00:00.1234567 +0" + (g % 10) + ":30', " + g + ".1234)");
        sql.add("INSERT INTO dbo.things VALUES ('" + UUID.nameUUIDFromBytes((d + g).getBytes()) + "', " + g
            + ", '12:00:00." + (1000000 + g) + "', 0x" + "AB".repeat(g) + ")");
      }
      MSSQL.execute(url, sql.toArray(String[]::new));
    }
    targetUrl = MSSQL.create("tgt_units_all");
  }

  @AfterAll
  static void drop() throws Exception {
    POOLS.close();
    MSSQL.close();
  }

  @Test
  void everyRowOfEveryDistrictLandsOnceAndAgainByUpsert() throws Exception {
    run(Mode.CREATE);
    List<List<String>> created = landed();
    assertThat(created).hasSize(4 * ROWS);
    for (String d : DISTRICTS.keySet()) {
      assertThat(landed(d)).as(d).isEqualTo(source(d));
    }
    MSSQL.execute(targetUrl, "UPDATE app.people SET name = N'changed' WHERE id = 3", "DELETE FROM app.things WHERE owner = 5");
    run(Mode.UPSERT);
    assertThat(landed()).as("upsert puts back what changed and what was deleted").isEqualTo(created);
    try (Connection c = MSSQL.open(targetUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM sys.foreign_keys WHERE parent_object_id = OBJECT_ID(N'app.things')")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the foreign key, tenant column in front").isEqualTo(1);
    }
  }

  private void run(Mode mode) throws SQLException {
    List<TenantSpec> tenants = new ArrayList<>();
    DISTRICTS.forEach((id, url) -> {
      Endpoint e = MSSQL.connection(url);
      tenants.add(new TenantSpec(id, e.url(), e.user(), e.password()));
    });
    JobSpec spec = new JobSpec(JOB + "-" + mode.wireName(), new SourceSpec("sqlserver", tenants),
        new TargetSpec("sqlserver", targetUrl, target().user(), target().password(), "app", "district"),
        new TableSelection(List.of("dbo.*"), List.of()), mode, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    String job = spec.name();
    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    reply.plans().forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("prepare-" + p.targetTable(), job, UnitKind.PREPARE, p, p.ddl().prepare(), source(p), target()));
    }
    int units = 0;
    for (TablePlan p : reply.plans()) {
      for (KeyRange range : ranges(p)) {
        ok(Units.copy("copy-" + units++, job, p, range, 1, source(p), target(), "district", 4, mode));
      }
    }
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("finish-" + p.targetTable(), job, UnitKind.FINISH, p, p.ddl().finish(), source(p), target()));
    }
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("fk-" + p.targetTable(), job, UnitKind.FINISH, p, p.ddl().foreignKeys(), source(p), target()));
    }
  }

  private List<KeyRange> ranges(TablePlan p) throws SQLException {
    if (p.split().method() == SplitMethod.SINGLE_UNIT) {
      return List.of(KeyRange.ALL);
    }
    SqlServerSource dialect = new SqlServerSource();
    try (Connection c = dialect.connect(source(p))) {
      SourceTable table = dialect.describe(c, TableName.parse(p.sourceTable()), new ArrayList<>());
      return Units.ranges(dialect.sampleKey(c, table, SplitKey.of(p), 9, 2).quantiles(), 3);
    }
  }

  private void ok(io.ferry.protocol.message.Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  private static List<List<String>> source(String district) throws SQLException {
    return rows(DISTRICTS.get(district), "dbo", "");
  }

  private static List<List<String>> landed(String district) throws SQLException {
    return rows(targetUrl, "app", " WHERE district = N'" + district + "'");
  }

  private static List<List<String>> landed() throws SQLException {
    List<List<String>> all = new ArrayList<>();
    for (String d : DISTRICTS.keySet()) {
      all.addAll(landed(d));
    }
    return all;
  }

  /** People then things in key order, every value as the driver prints it. */
  private static List<List<String>> rows(String url, String schema, String where) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = MSSQL.open(url); Statement st = c.createStatement()) {
      for (String q : List.of("SELECT id, name, born, seen, pay FROM " + schema + ".people" + where + " ORDER BY id",
          "SELECT id, owner, at, blob FROM " + schema + ".things" + where + " ORDER BY owner")) {
        try (ResultSet rs = st.executeQuery(q)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
              row.add(SqlServerToSqlServerIT.fraction(rs.getString(i)));
            }
            rows.add(row);
          }
        }
      }
    }
    return rows;
  }

  private static Endpoint source(TablePlan p) {
    return MSSQL.connection(DISTRICTS.get(p.tenantId()));
  }

  private static Endpoint target() {
    return MSSQL.connection(targetUrl);
  }
}
