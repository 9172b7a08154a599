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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two district databases consolidated into one SQL Server database through the worker's units, as a job with
 * {@code source.engine: sqlserver} and {@code target.engine: sqlserver} runs them: preflight, prepare, copies
 * in ranges cut at the source's points with chunks of a few rows (each committed with its checkpoint in the
 * target's {@code ferry} schema), every copy unit of every table at once as a worker's slots run them, finish,
 * and the job's last finish (foreign keys; the ones dropped on record restored). Mode create, then
 * preserve_schema into the emptied tables, then upsert over changed rows, in that order on one target. A table whose rows reference rows of
 * the same table further on in key order (a report before her manager, in another unit) lands whole in each
 * mode: its key to itself is added, or dropped for the copy and restored. Every row lands once, value for value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlServerToSqlServerUnitsIT {

  private static final String JOB = "job-mssql-to-mssql";
  private static final int ROWS = 30;
  private static final int SLOTS = 4;
  private final Map<String, String> districts = new LinkedHashMap<>();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(SLOTS));
  private final UnitExecutor executor = new UnitExecutor(pools);
  private SqlServerDatabases mssql;
  private String targetUrl;
  /** The districts' rows as the create job landed them, which the later modes must give again. */
  private List<List<String>> created;

  /** The server the databases are created on; a subclass may name its own. */
  protected SqlServerDatabases newDatabases() {
    return new SqlServerDatabases();
  }

  @BeforeAll
  void districts() throws Exception {
    mssql = newDatabases();
    for (String d : List.of("d1", "d2")) {
      String url = mssql.create("tgt_units_" + d);
      districts.put(d, url);
      List<String> sql = new ArrayList<>(List.of(
          "CREATE TABLE dbo.people (id bigint IDENTITY(1,1) PRIMARY KEY, name nvarchar(40) NOT NULL, born datetime2(7),"
              + " seen datetimeoffset(7), pay money)",
          "CREATE TABLE dbo.things (id uniqueidentifier PRIMARY KEY, owner bigint NOT NULL REFERENCES dbo.people (id),"
              + " at time(7), blob varbinary(max))",
          "CREATE TABLE dbo.staff (id int PRIMARY KEY, manager_id int NULL, name nvarchar(40) NOT NULL,"
              + " CONSTRAINT ck_staff_manager CHECK (manager_id <> id))"));
      for (int g = 1; g <= ROWS; g++) {
        sql.add("INSERT INTO dbo.people (name, born, seen, pay) VALUES (N'p" + g + " ✓', '2001-02-03 04:05:06." + (1000000 + g)
            + "', '2020-01-01 10:00:00.1234567 +0" + (g % 10) + ":30', " + g + ".1234)");
        sql.add("INSERT INTO dbo.things VALUES ('" + UUID.nameUUIDFromBytes((d + g).getBytes()) + "', " + g
            + ", '12:00:00." + (1000000 + g) + "', 0x" + "AB".repeat(g) + ")");
        // Odd staff up to 23 report to a manager 7 further on in key order: another range, another unit.
        sql.add("INSERT INTO dbo.staff VALUES (" + g + ", " + (g % 2 == 1 && g <= 23 ? String.valueOf(g + 7) : "NULL")
            + ", N's" + g + "')");
      }
      sql.add("ALTER TABLE dbo.staff ADD CONSTRAINT fk_staff_manager FOREIGN KEY (manager_id) REFERENCES dbo.staff (id)");
      mssql.execute(url, sql.toArray(String[]::new));
    }
    targetUrl = mssql.create("tgt_units_all");
  }

  @AfterAll
  void drop() throws Exception {
    pools.close();
    mssql.close();
  }

  @Test
  @Order(1)
  void createLandsEveryRowOfEveryDistrictOnceWithItsUnitsAtOnce() throws Exception {
    run(Mode.CREATE);
    created = landed();
    assertThat(created).hasSize(6 * ROWS);
    for (String d : districts.keySet()) {
      assertThat(landed(d)).as(d).isEqualTo(source(d));
    }
    assertForeignKeys();
  }

  @Test
  @Order(2)
  void preserveSchemaFillsTheEmptiedTablesAndRestoresTheKeysItDropped() throws Exception {
    assertThat(created).as("the create test ran first").isNotNull();
    mssql.execute(targetUrl, "DELETE FROM app.things", "DELETE FROM app.staff", "DELETE FROM app.people");
    run(Mode.PRESERVE_SCHEMA);
    assertThat(landed()).as("preserve_schema fills the emptied tables").isEqualTo(created);
    assertForeignKeys();
  }

  @Test
  @Order(3)
  void upsertPutsBackWhatChangedAndWhatWasDeleted() throws Exception {
    assertThat(created).as("the create test ran first").isNotNull();
    mssql.execute(targetUrl, "UPDATE app.people SET name = N'changed' WHERE id = 3", "DELETE FROM app.things WHERE owner = 5",
        "UPDATE app.staff SET manager_id = NULL WHERE id = 9");
    run(Mode.UPSERT);
    assertThat(landed()).isEqualTo(created);
    assertForeignKeys();
  }

  /**
   * The foreign keys, tenant column in front, the staff's key to itself among them, and the staff's CHECK, all
   * trusted (checked for every row); none left recorded as dropped.
   */
  private void assertForeignKeys() throws SQLException {
    try (Connection c = mssql.open(targetUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT OBJECT_NAME(parent_object_id), OBJECT_NAME(referenced_object_id),"
             + " is_not_trusted FROM sys.foreign_keys ORDER BY 1")) {
      List<String> keys = new ArrayList<>();
      while (rs.next()) {
        keys.add(rs.getString(1) + "->" + rs.getString(2) + (rs.getBoolean(3) ? " (not trusted)" : ""));
      }
      assertThat(keys).containsExactly("staff->staff", "things->people");
    }
    try (Connection c = mssql.open(targetUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT name, is_not_trusted FROM sys.check_constraints")) {
      assertThat(rs.next()).isTrue();
      // A bulk load that skipped the check (the driver's default) would leave it not trusted.
      assertThat(rs.getString(1) + (rs.getBoolean(2) ? " (not trusted)" : "")).startsWith("ck_staff_manager")
          .doesNotContain("not trusted");
    }
    try (Connection c = mssql.open(targetUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM sys.tables WHERE name = 'dropped_constraints'"
             + " AND SCHEMA_NAME(schema_id) = 'ferry'")) {
      rs.next();
      if (rs.getInt(1) > 0) {
        try (ResultSet left = st.executeQuery("SELECT count(*) FROM ferry.dropped_constraints")) {
          left.next();
          assertThat(left.getInt(1)).as("keys dropped for the copy and not restored").isZero();
        }
      }
    }
  }

  private void run(Mode mode) throws Exception {
    List<TenantSpec> tenants = new ArrayList<>();
    districts.forEach((id, url) -> {
      Endpoint e = mssql.connection(url);
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
    List<io.ferry.protocol.message.Assignment> copies = new ArrayList<>();
    for (TablePlan p : reply.plans()) {
      for (KeyRange range : ranges(p)) {
        copies.add(Units.copy("copy-" + copies.size(), job, p, range, 1, source(p), target(), "district", 4, mode));
      }
    }
    ExecutorService slots = Executors.newFixedThreadPool(SLOTS);
    try {
      List<Future<UnitOutcome>> outcomes = new ArrayList<>();
      copies.forEach(a -> outcomes.add(slots.submit(() -> executor.execute(a, new UnitControl(), ProgressListener.NONE))));
      for (int u = 0; u < copies.size(); u++) {
        UnitOutcome o = outcomes.get(u).get(5, TimeUnit.MINUTES);
        assertThat(o.ok()).as(copies.get(u).unit().id() + ": " + o.error()).isTrue();
      }
    } finally {
      slots.shutdownNow();
    }
    List<String> foreignKeys = new ArrayList<>();
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("finish-" + p.targetTable(), job, UnitKind.FINISH, p, p.ddl().finish(), source(p), target()));
      foreignKeys.addAll(p.ddl().foreignKeys());
    }
    // The job's last finish: restores what the prepares dropped on record, then adds the plan's keys.
    ok(Units.statements("finish-job", job, UnitKind.FINISH, null, foreignKeys, source(reply.plans().get(0)), target()));
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

  private List<List<String>> source(String district) throws SQLException {
    return rows(districts.get(district), "dbo", "");
  }

  private List<List<String>> landed(String district) throws SQLException {
    return rows(targetUrl, "app", " WHERE district = N'" + district + "'");
  }

  private List<List<String>> landed() throws SQLException {
    List<List<String>> all = new ArrayList<>();
    for (String d : districts.keySet()) {
      all.addAll(landed(d));
    }
    return all;
  }

  /** People, things, then staff in key order, every value as the driver prints it. */
  private List<List<String>> rows(String url, String schema, String where) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = mssql.open(url); Statement st = c.createStatement()) {
      for (String q : List.of("SELECT id, name, born, seen, pay FROM " + schema + ".people" + where + " ORDER BY id",
          "SELECT id, owner, at, blob FROM " + schema + ".things" + where + " ORDER BY owner",
          "SELECT id, manager_id, name FROM " + schema + ".staff" + where + " ORDER BY id")) {
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

  private Endpoint source(TablePlan p) {
    return mssql.connection(districts.get(p.tenantId()));
  }

  private Endpoint target() {
    return mssql.connection(targetUrl);
  }
}
