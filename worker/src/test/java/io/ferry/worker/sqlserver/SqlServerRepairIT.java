package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.VerifyFindings;
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
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repair units from SQL Server districts, into PostgreSQL and into SQL Server: a bigint key, a case-insensitive
 * text key, a GUID key and a {@code datetime} key, each corrupted on the target, repaired from its verify unit's
 * findings, and verified clean again; the other district's row with the same key is left alone.
 */
class SqlServerRepairIT {

  private static final String JOB = "job-mssql-repair";
  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static final Map<String, String> DISTRICTS = new LinkedHashMap<>();
  private static final ConnectionPools POOLS = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(POOLS);

  /** A CTE {@code s(i)} of the integers 1 to 1,000. */
  private static final String NUMBERS = """
      WITH d AS (SELECT 0 AS v UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
      s AS (SELECT a.v + 10 * b.v + 100 * c.v + 1 AS i FROM d a, d b, d c)
      """;

  @BeforeAll
  static void districts() throws Exception {
    int n = 0;
    for (String d : List.of("d1", "d2")) {
      n++;
      String url = MSSQL.create("repair_" + d);
      DISTRICTS.put(d, url);
      MSSQL.execute(url,
          "CREATE SCHEMA sales",
          "CREATE TABLE sales.measures (id bigint NOT NULL PRIMARY KEY, m money, f float, dt2 datetime2(7),"
              + " dto datetimeoffset(6), vc varchar(30), ok bit)",
          NUMBERS + "INSERT INTO sales.measures SELECT i, CAST(i AS money) / 7, i / 7.0E0,"
              + " DATEADD(nanosecond, i * 700, CAST('1999-12-31T23:59:59.9990000' AS datetime2(7))),"
              + " TODATETIMEOFFSET(DATEADD(second, i, CAST('2020-02-29T12:00:00.5' AS datetime2(6))), (i % 24 - 12) * 60),"
              + " 'v' + CAST(i AS varchar(10)), i % 2 FROM s WHERE i <= 800",
          "CREATE TABLE sales.schools (school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL"
              + " PRIMARY KEY, name nvarchar(100) NOT NULL)",
          NUMBERS + "INSERT INTO sales.schools SELECT CASE WHEN i % 2 = 0 THEN 'sch-' ELSE 'SCH-' END"
              + " + RIGHT('000' + CAST(i AS varchar(4)), 3), N'École ' + CAST(i AS nvarchar(4)) + N' of d" + n + "' FROM s"
              + " WHERE i <= 60",
          "CREATE TABLE sales.devices (device_id uniqueidentifier NOT NULL PRIMARY KEY, bought date NULL)",
          NUMBERS + "INSERT INTO sales.devices SELECT CAST('0000000" + n + "-0000-4000-8000-' + RIGHT('000000000000'"
              + " + CAST(i AS varchar(12)), 12) AS uniqueidentifier), CASE WHEN i % 4 = 0 THEN NULL"
              + " ELSE DATEADD(day, i, CAST('2019-01-01' AS date)) END FROM s WHERE i <= 300",
          "CREATE TABLE sales.ticks (at datetime NOT NULL PRIMARY KEY, v int NOT NULL)",
          NUMBERS + "INSERT INTO sales.ticks SELECT DATEADD(millisecond, i * 1000 + 3, CAST('2000-01-01T00:00:00'"
              + " AS datetime)), i FROM s WHERE i <= 200");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    POOLS.close();
    MSSQL.close();
    PG.close();
  }

  @Test
  void aCorruptedPostgresTargetIsRepairedKeyByKeyAndVerifiesClean() throws Exception {
    String targetUrl = PG.create("mssql_repair_tgt");
    Endpoint target = PG.connection(targetUrl);
    List<TablePlan> plans = copy(new TargetSpec("postgresql", targetUrl, PG.user(), PG.password(), "app", "district"), target);
    try (Connection t = PG.open(targetUrl); Statement st = t.createStatement()) {
      st.execute("DELETE FROM app.measures WHERE district = 'd1' AND id = 5");
      st.execute("UPDATE app.measures SET f = f + 1e-12 WHERE district = 'd1' AND id = 7");
      st.execute("UPDATE app.measures SET dto = dto + interval '1 microsecond', ok = NOT ok WHERE district = 'd1' AND id = 9");
      st.execute("CREATE TEMP TABLE extra AS SELECT * FROM app.measures WHERE district = 'd1' AND id = 8");
      st.execute("UPDATE extra SET id = 5000");
      st.execute("INSERT INTO app.measures SELECT * FROM extra");
      st.execute("UPDATE app.measures SET vc = 'changed' WHERE district = 'd2' AND id = 7");
      st.execute("UPDATE app.schools SET name = 'Renamed' WHERE district = 'd1' AND school_code = 'SCH-001'");
      st.execute("DELETE FROM app.devices WHERE district = 'd1' AND device_id = '00000001-0000-4000-8000-000000000300'");
      st.execute("UPDATE app.ticks SET v = -1 WHERE district = 'd1' AND v IN (3, 4)");
    }
    assertThat(repaired(plan(plans, "d1", "sales.measures"), target)).as("the source's rows of 4 keys").isEqualTo(3);
    try (Connection t = PG.open(targetUrl); Statement st = t.createStatement();
         ResultSet rs = st.executeQuery("SELECT vc FROM app.measures WHERE district = 'd2' AND id = 7")) {
      rs.next();
      assertThat(rs.getString(1)).as("the other district's row").isEqualTo("changed");
    }
    assertThat(repaired(plan(plans, "d2", "sales.measures"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d1", "sales.schools"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d1", "sales.devices"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d1", "sales.ticks"), target)).as("a datetime key, by key").isEqualTo(2);
  }

  @Test
  void aCorruptedSqlServerTargetIsRepairedAndVerifiesClean() throws Exception {
    String targetUrl = MSSQL.create("repair_tgt");
    Endpoint target = MSSQL.connection(targetUrl);
    List<TablePlan> plans = copy(new TargetSpec("sqlserver", targetUrl, target.user(), target.password(), "app", "district"),
        target);
    MSSQL.execute(targetUrl,
        "UPDATE app.measures SET dt2 = DATEADD(microsecond, 1, dt2) WHERE district = 'd2' AND id = 11",
        "DELETE FROM app.measures WHERE district = 'd2' AND id = 12",
        "UPDATE app.measures SET vc = 'changed' WHERE district = 'd1' AND id = 11",
        "DELETE FROM app.schools WHERE district = 'd2' AND school_code = 'sch-002'",
        "UPDATE app.devices SET bought = NULL WHERE district = 'd2' AND device_id = '00000002-0000-4000-8000-000000000007'",
        "UPDATE app.ticks SET v = -1 WHERE district = 'd2' AND v = 5");
    assertThat(repaired(plan(plans, "d2", "sales.measures"), target)).isEqualTo(2);
    assertThat(verify(plan(plans, "d1", "sales.measures"), target).differenceCount()).as("the other district's row")
        .isEqualTo(1);
    assertThat(repaired(plan(plans, "d1", "sales.measures"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d2", "sales.schools"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d2", "sales.devices"), target)).isEqualTo(1);
    // Whatever way its datetime key is matched (by key, or the whole table when the key text prints otherwise).
    assertThat(repaired(plan(plans, "d2", "sales.ticks"), target)).isIn(1L, 200L);
  }

  /** Verifies the table whole, repairs what it found, verifies it clean again; answers the rows the repair wrote. */
  private long repaired(TablePlan p, Endpoint target) {
    VerifyFindings found = verify(p, target);
    assertThat(found.clean()).as(p.tenantId() + " " + p.sourceTable() + " corrupted").isFalse();
    WorkUnit unit = Units.unit("repair:1:" + p.tenantId() + ":" + p.targetTable(), JOB, UnitKind.REPAIR, p, KeyRange.ALL, 1)
        .withFindings(found);
    UnitOutcome o = executor.execute(new Assignment(unit, p, source(p), target, "district", List.of(), 0, 0, Mode.CREATE,
        List.of(), null), new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(p.sourceTable() + ": " + o.error()).isTrue();
    VerifyFindings after = verify(p, target);
    assertThat(after.clean()).as(p.tenantId() + " " + p.sourceTable() + " after its repair: " + after).isTrue();
    return o.rows();
  }

  private List<TablePlan> copy(TargetSpec targetSpec, Endpoint target) {
    List<TenantSpec> tenants = new ArrayList<>();
    DISTRICTS.forEach((id, url) -> {
      Endpoint e = MSSQL.connection(url);
      tenants.add(new TenantSpec(id, e.url(), e.user(), e.password()));
    });
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", tenants), targetSpec,
        new TableSelection(List.of("sales.*"), List.of()), Mode.CREATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    reply.plans().forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    TablePlan first = reply.plans().get(0);
    ok(Units.statements("prepare-types", JOB, UnitKind.PREPARE, first,
        reply.plans().stream().flatMap(p -> p.ddl().types().stream()).distinct().toList(), source(first), target));
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("prepare-" + p.targetTable(), JOB, UnitKind.PREPARE, p, p.ddl().prepare(), source(p), target));
    }
    int units = 0;
    for (TablePlan p : reply.plans()) {
      ok(Units.copy("copy-" + units++, JOB, p, KeyRange.ALL, 1, source(p), target, "district", 500));
    }
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("finish-" + p.targetTable(), JOB, UnitKind.FINISH, p, p.ddl().finish(), source(p), target));
    }
    return reply.plans();
  }

  private VerifyFindings verify(TablePlan p, Endpoint target) {
    UnitOutcome o = executor.execute(Units.verify("verify-" + p.tenantId() + "-" + p.targetTable(), JOB, p, KeyRange.ALL,
        source(p), target, "district"), new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(p.sourceTable() + ": " + o.error()).isTrue();
    return o.findings();
  }

  private void ok(Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  private static TablePlan plan(List<TablePlan> plans, String tenant, String table) {
    return plans.stream().filter(p -> p.tenantId().equals(tenant) && p.sourceTable().equals(table)).findFirst().orElseThrow();
  }

  private static Endpoint source(TablePlan p) {
    return MSSQL.connection(DISTRICTS.get(p.tenantId()));
  }
}
