package io.ferry.worker.sqlserver;

import static io.ferry.worker.sqlserver.SqlServerDistricts.NUMBERS;
import static io.ferry.worker.sqlserver.SqlServerDistricts.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repair units from SQL Server districts, into PostgreSQL and into SQL Server: a bigint key, a case-insensitive
 * text key, a GUID key and a {@code datetime} key, each corrupted on the target, repaired from its verify unit's
 * findings, and verified clean again; the other district's row with the same key is left alone.
 */
class SqlServerRepairIT {

  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static final SqlServerDistricts DISTRICTS = new SqlServerDistricts(MSSQL, "job-mssql-repair");

  @BeforeAll
  static void districts() throws Exception {
    DISTRICTS.create("repair_", n -> {
      List<String> sql = new ArrayList<>(List.of(
          "CREATE SCHEMA sales",
          "CREATE TABLE sales.measures (id bigint NOT NULL PRIMARY KEY, m money, f float, dt2 datetime2(7),"
              + " dto datetimeoffset(6), vc varchar(30), ok bit)",
          NUMBERS + "INSERT INTO sales.measures SELECT i, CAST(i AS money) / 7, i / 7.0E0,"
              + " DATEADD(nanosecond, i * 700, CAST('1999-12-31T23:59:59.9990000' AS datetime2(7))),"
              + " TODATETIMEOFFSET(DATEADD(second, i, CAST('2020-02-29T12:00:00.5' AS datetime2(6))), (i % 24 - 12) * 60),"
              + " 'v' + CAST(i AS varchar(10)), i % 2 FROM s WHERE i <= 800"));
      sql.addAll(SqlServerDistricts.keyedTables(n));
      sql.add("CREATE TABLE sales.ticks (at datetime NOT NULL PRIMARY KEY, v int NOT NULL)");
      sql.add(NUMBERS + "INSERT INTO sales.ticks SELECT DATEADD(millisecond, i * 1000 + 3,"
          + " CAST('2000-01-01T00:00:00' AS datetime)), i FROM s WHERE i <= 200");
      return sql;
    });
  }

  @AfterAll
  static void drop() throws Exception {
    DISTRICTS.close();
    MSSQL.close();
    PG.close();
  }

  @Test
  void aCorruptedPostgresTargetIsRepairedKeyByKeyAndVerifiesClean() throws Exception {
    String targetUrl = PG.create("mssql_repair_tgt");
    Endpoint target = PG.connection(targetUrl);
    List<TablePlan> plans = DISTRICTS.copy(new TargetSpec("postgresql", targetUrl, PG.user(), PG.password(), "app",
        "district"), target, List.of());
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
    List<TablePlan> plans = DISTRICTS.copy(new TargetSpec("sqlserver", targetUrl, target.user(), target.password(), "app",
        "district"), target, List.of());
    MSSQL.execute(targetUrl,
        "UPDATE app.measures SET dt2 = DATEADD(microsecond, 1, dt2) WHERE district = 'd2' AND id = 11",
        "DELETE FROM app.measures WHERE district = 'd2' AND id = 12",
        "UPDATE app.measures SET vc = 'changed' WHERE district = 'd1' AND id = 11",
        "DELETE FROM app.schools WHERE district = 'd2' AND school_code = 'sch-002'",
        "UPDATE app.devices SET bought = NULL WHERE district = 'd2' AND device_id = '00000002-0000-4000-8000-000000000007'",
        "UPDATE app.ticks SET v = -1 WHERE district = 'd2' AND v = 5");
    assertThat(repaired(plan(plans, "d2", "sales.measures"), target)).isEqualTo(2);
    assertThat(DISTRICTS.verify(plan(plans, "d1", "sales.measures"), KeyRange.ALL, target).differenceCount())
        .as("the other district's row").isEqualTo(1);
    assertThat(repaired(plan(plans, "d1", "sales.measures"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d2", "sales.schools"), target)).isEqualTo(1);
    assertThat(repaired(plan(plans, "d2", "sales.devices"), target)).isEqualTo(1);
    // Whatever way its datetime key is matched (by key, or the whole table when the key text prints otherwise).
    assertThat(repaired(plan(plans, "d2", "sales.ticks"), target)).isIn(1L, 200L);
  }

  /** Verifies the table whole, repairs what it found, verifies it clean again; answers the rows the repair wrote. */
  private static long repaired(TablePlan p, Endpoint target) {
    VerifyFindings found = DISTRICTS.verify(p, KeyRange.ALL, target);
    assertThat(found.clean()).as(p.tenantId() + " " + p.sourceTable() + " corrupted").isFalse();
    WorkUnit unit = Units.unit("repair:1:" + p.tenantId() + ":" + p.targetTable(), DISTRICTS.job(), UnitKind.REPAIR, p,
        KeyRange.ALL, 1).withFindings(found);
    Assignment repair = new Assignment(unit, p, DISTRICTS.source(p), target, SqlServerDistricts.TENANT_COLUMN, List.of(), 0,
        0, Mode.CREATE, List.of(), null);
    UnitOutcome o = DISTRICTS.executor().execute(repair, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(p.sourceTable() + ": " + o.error()).isTrue();
    VerifyFindings after = DISTRICTS.verify(p, KeyRange.ALL, target);
    assertThat(after.clean()).as(p.tenantId() + " " + p.sourceTable() + " after its repair: " + after).isTrue();
    return o.rows();
  }
}
