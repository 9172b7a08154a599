package io.ferry.worker.sqlserver;

import static io.ferry.worker.sqlserver.SqlServerDistricts.NUMBERS;
import static io.ferry.worker.sqlserver.SqlServerDistricts.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verify units across engines (SQL Server districts consolidated into PostgreSQL) and between two SQL
 * Server databases: every mapped type verifies clean, and each corruption of the target is named by
 * district, key and column, a case-insensitive key and a GUID key included.
 */
class SqlServerVerifyIT {

  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static final SqlServerDistricts DISTRICTS = new SqlServerDistricts(MSSQL, "job-mssql-verify");

  @BeforeAll
  static void districts() throws Exception {
    DISTRICTS.create("verify_", n -> {
      List<String> sql = new ArrayList<>(List.of(SqlServerFixtures.EVERYTHING));
      // c_dec stays below 1: Babelfish describes the computed c_total (c_dec * 2) as numeric(38,38).
      sql.add("""
          INSERT INTO sales.everything (code, c_guid, c_tinyint, c_smallint, c_bigint, c_bit, c_dec, c_money,
            c_smallmoney, c_float, c_real, c_date, c_time, c_dt, c_dt2, c_sdt, c_dto, c_char, c_nchar, c_vc, c_nvc,
            c_nvcmax, c_text, c_ntext, c_bin, c_vbin, c_vbinmax, c_image, c_xml, c_ssn, c_sv)
          VALUES ('alpha', '6F9619FF-8B86-D011-B42D-00C04FD430C8', 255, 32767, 9223372036854775807, 1,
            0.1234, -922337203685477.5808, 214748.3647,
            0.1, 1.5, '0001-01-01', '23:59:59.123', '1753-01-01T00:00:00.003', '9999-12-31T23:59:59.999999',
            '2079-06-06T23:59:00', '2020-05-06T07:08:09.123456-05:30', 'ab', N'ü', 'long text', N'Grüße 😀',
            REPLICATE(CAST(N'é' AS nvarchar(max)), 6000), 'old text', N'old ntext', 0x01020304, 0x00FF,
            CAST(REPLICATE(CAST('x' AS varchar(max)), 70000) AS varbinary(max)), 0x0A0B, '<a x="1">t</a>', '123-45-6789',
            CAST(42 AS int))""");
      sql.add("INSERT INTO sales.everything (code) VALUES ('nulls')");
      sql.add("""
          INSERT INTO sales.everything (code, c_guid, c_smallint, c_dec, c_num, c_money, c_float, c_date, c_dt2, c_dto,
            c_vc, c_vbin, c_vbinmax)
          VALUES ('zeros', '00000000-0000-0000-0000-000000000001', 0, 0.0001, 0, 0, -0.0, '2000-01-01',
            '1999-12-31T23:59:59.9999994', '2000-01-01T00:00:00+00:00', '', 0x, 0x)""");
      sql.add("""
          CREATE TABLE sales.measures (id bigint NOT NULL PRIMARY KEY, t tinyint, s smallint, m money, sm smallmoney,
            f float, r real, d date, tm time(6), dt datetime, sdt smalldatetime, dt2 datetime2(7), dto datetimeoffset(6),
            ch char(5), nch nchar(5), vc varchar(30), txt text, bin binary(4), vbin varbinary(16), x xml,
            big decimal(38,10), ok bit)""");
      sql.add(NUMBERS + """
          INSERT INTO sales.measures
          SELECT i, i % 256, i - 400, CAST(i AS money) / 7, CAST(i AS smallmoney) / 3, i / 7.0E0, CAST(i AS real) / 3,
            DATEADD(day, i, CAST('2000-01-01' AS date)), DATEADD(microsecond, i * 1001, CAST('12:34:56' AS time(6))),
            DATEADD(millisecond, i * 10 + i % 10, CAST('2000-01-01T00:00:00' AS datetime)),
            DATEADD(minute, i, CAST('2000-01-01T00:00:00' AS smalldatetime)),
            DATEADD(nanosecond, i * 700, CAST('1999-12-31T23:59:59.9990000' AS datetime2(7))),
            TODATETIMEOFFSET(DATEADD(second, i, CAST('2020-02-29T12:00:00.5' AS datetime2(6))), (i % 24 - 12) * 60),
            'c' + CAST(i % 10 AS varchar(2)), N'ñ' + CAST(i % 10 AS nvarchar(2)), 'v' + CAST(i AS varchar(10)),
            REPLICATE('t', i % 50), CAST(i AS binary(4)), CAST(i * 65537 AS varbinary(16)),
            CASE WHEN i % 3 = 0 THEN NULL ELSE '<m n="' + CAST(i AS varchar(6)) + '"/>' END,
            CAST(i AS decimal(38,10)) / 3, i % 2
          FROM s WHERE i <= 800""");
      sql.addAll(SqlServerDistricts.keyedTables(n));
      sql.add("CREATE TABLE sales.audit_log (at datetime2(6) NOT NULL, message nvarchar(max) NULL)");
      sql.add(NUMBERS + "INSERT INTO sales.audit_log SELECT DATEADD(second, i % 100, CAST('2024-05-06T07:08:09.123456'"
          + " AS datetime2(6))), CASE WHEN i % 11 = 0 THEN NULL ELSE N'event ' + CAST(i % 37 AS nvarchar(6)) END FROM s");
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
  void aCopyToPostgresVerifiesCleanThenEachCorruptionIsNamed() throws Exception {
    String targetUrl = PG.create("mssql_verify_tgt");
    Endpoint target = PG.connection(targetUrl);
    List<TablePlan> plans = DISTRICTS.copy(new TargetSpec("postgresql", targetUrl, PG.user(), PG.password(), "app",
        "district"), target, List.of());

    for (TablePlan p : plans) {
      VerifyFindings f = DISTRICTS.verify(p, KeyRange.ALL, target);
      assertThat(f.clean()).as(p.tenantId() + " " + p.sourceTable() + ": " + f).isTrue();
      assertThat(f.sourceRows()).as(p.sourceTable()).isPositive();
    }
    TablePlan d1Measures = plan(plans, "d1", "sales.measures");
    assertThat(d1Measures.split().orderPortable()).containsExactly(true);
    for (KeyRange range : ranges(d1Measures)) {
      assertThat(DISTRICTS.verify(d1Measures, range, target).clean()).as(range.toString()).isTrue();
    }

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
    }

    List<Difference> d1 = new ArrayList<>();
    for (KeyRange range : ranges(d1Measures)) {
      d1.addAll(DISTRICTS.verify(d1Measures, range, target).differences());
    }
    assertThat(d1).containsExactly(
        new Difference(Kind.MISSING, List.of("5"), List.of()),
        new Difference(Kind.DIFFERENT, List.of("7"), List.of("f")),
        new Difference(Kind.DIFFERENT, List.of("9"), List.of("dto", "ok")),
        new Difference(Kind.EXTRA, List.of("5000"), List.of()));
    assertThat(DISTRICTS.verify(plan(plans, "d2", "sales.measures"), KeyRange.ALL, target).differences())
        .containsExactly(new Difference(Kind.DIFFERENT, List.of("7"), List.of("vc")));
    assertThat(DISTRICTS.verify(plan(plans, "d1", "sales.schools"), KeyRange.ALL, target).differences())
        .containsExactly(new Difference(Kind.DIFFERENT, List.of("SCH-001"), List.of("name")));
    assertThat(DISTRICTS.verify(plan(plans, "d2", "sales.schools"), KeyRange.ALL, target).clean()).isTrue();
    VerifyFindings devices = DISTRICTS.verify(plan(plans, "d1", "sales.devices"), KeyRange.ALL, target);
    assertThat(devices.differences())
        .containsExactly(new Difference(Kind.MISSING, List.of("00000001-0000-4000-8000-000000000300"), List.of()));
    assertThat(devices.sourceRows() - devices.targetRows()).isEqualTo(1);
  }

  @Test
  void aCopyBetweenSqlServerDatabasesVerifiesCleanThenAChangedValueIsNamed() throws Exception {
    String targetUrl = MSSQL.create("verify_tgt");
    Endpoint target = MSSQL.connection(targetUrl);
    // sql_variant cannot be copied exactly to SQL Server (the copy refuses it)
    List<TablePlan> plans = DISTRICTS.copy(new TargetSpec("sqlserver", targetUrl, target.user(), target.password(), "app",
        "district"), target, List.of("sales.everything"));
    for (TablePlan p : plans) {
      VerifyFindings f = DISTRICTS.verify(p, KeyRange.ALL, target);
      assertThat(f.clean()).as(p.tenantId() + " " + p.sourceTable() + ": " + f).isTrue();
    }
    MSSQL.execute(targetUrl, "UPDATE app.measures SET dt2 = DATEADD(microsecond, 1, dt2) WHERE district = 'd2' AND id = 11",
        "DELETE FROM app.schools WHERE district = 'd2' AND school_code = 'sch-002'");
    assertThat(DISTRICTS.verify(plan(plans, "d2", "sales.measures"), KeyRange.ALL, target).differences())
        .containsExactly(new Difference(Kind.DIFFERENT, List.of("11"), List.of("dt2")));
    assertThat(DISTRICTS.verify(plan(plans, "d1", "sales.measures"), KeyRange.ALL, target).clean()).isTrue();
    assertThat(DISTRICTS.verify(plan(plans, "d2", "sales.schools"), KeyRange.ALL, target).differences())
        .containsExactly(new Difference(Kind.MISSING, List.of("sch-002"), List.of()));
  }

  /** Three ranges cut at the source's own points. */
  private static List<KeyRange> ranges(TablePlan p) throws SQLException {
    assertThat(p.split().method()).isNotEqualTo(SplitMethod.SINGLE_UNIT);
    return SqlServerJobCopy.ranges(DISTRICTS.source(p), p);
  }
}
