package io.ferry.worker.sqlserver;

import static io.ferry.worker.sqlserver.SqlServerDistricts.NUMBERS;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * Verify units from SQL Server 2022 itself to PostgreSQL, on the types Babelfish stores otherwise or not at
 * all: {@code datetime} (1/300 s), {@code datetime2(7)} and {@code time(7)} (100 ns, rounded to the
 * microsecond by the copy), {@code datetimeoffset(7)} with offsets, {@code money} at its extremes,
 * {@code uniqueidentifier} as a value and as a key (SQL Server orders it by its last bytes, so the table
 * is verified whole), a case-insensitive collated key, and {@code hierarchyid} and {@code geography}
 * (carried as their text). A clean copy verifies clean, every table and a portable key's ranges; one
 * changed row per table is then named by its key and column, and nothing else. Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022VerifyIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  private static final String JOB = "job-mssql2022-verify";
  private static final String TENANT = "d1";
  private static final TestPostgres PG = new TestPostgres();
  private static SqlServerDatabases mssql;
  private static String sourceUrl;
  private final UnitExecutor executor = new UnitExecutor();

  @BeforeAll
  static void source() throws Exception {
    mssql = new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
    sourceUrl = mssql.create("verify22");
    mssql.execute(sourceUrl,
        "CREATE SCHEMA sales",
        """
        CREATE TABLE sales.kinds (id int NOT NULL PRIMARY KEY, dt datetime NULL, sdt smalldatetime NULL,
          dt2 datetime2(7) NULL, dto datetimeoffset(7) NULL, tm time(7) NULL, m money NULL, sm smallmoney NULL,
          g uniqueidentifier NULL, f float NULL, r real NULL, dec decimal(38,10) NULL, nv nvarchar(50) NULL, b bit NULL,
          vb varbinary(16) NULL)""",
        NUMBERS + """
        INSERT INTO sales.kinds
        SELECT i, DATEADD(millisecond, i * 10 + i % 10, CAST('2000-01-01T00:00:00' AS datetime)),
          DATEADD(minute, i, CAST('2000-01-01T00:00:00' AS smalldatetime)),
          DATEADD(nanosecond, i * 700, CAST('2024-02-29T13:14:15.1234567' AS datetime2(7))),
          TODATETIMEOFFSET(DATEADD(nanosecond, i * 300, CAST('2020-02-29T12:00:00.5000001' AS datetime2(7))), (i % 24 - 12) * 60),
          DATEADD(nanosecond, i * 100, CAST('12:34:56.1234567' AS time(7))),
          CAST(i AS money) / 7, CAST(i AS smallmoney) / 3,
          CAST('6F9619FF-8B86-D011-B42D-' + RIGHT('000000000000' + CAST(i AS varchar(12)), 12) AS uniqueidentifier),
          i / 7.0E0, CAST(i AS real) / 3, CAST(i AS decimal(38,10)) / 3, N'Grüße ' + CAST(i AS nvarchar(6)),
          i % 2, CAST(i * 65537 AS varbinary(16))
        FROM s WHERE i <= 900""",
        """
        INSERT INTO sales.kinds (id, dt, dt2, dto, tm, m, sm, g) VALUES
          (1001, '1753-01-01T00:00:00.003', '0001-01-01T00:00:00.0000001', '0001-01-01T00:00:00 -14:00',
           '00:00:00.0000004', -922337203685477.5808, -214748.3648, '00000000-0000-0000-0000-000000000000'),
          (1002, '9999-12-31T23:59:59.997', '1999-12-31T23:59:59.9999994', '2024-06-30T08:00:00.7654321 +05:45',
           '12:00:00.9999996', 922337203685477.5807, 214748.3647, 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
          (1003, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
        "CREATE TABLE sales.codes (code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL PRIMARY KEY,"
            + " name nvarchar(40) NOT NULL)",
        "INSERT INTO sales.codes VALUES ('abc', N'lower'), ('ABD', N'upper'), ('Abe', N'mixed'), ('aBf', N'mixed too')",
        "CREATE TABLE sales.devices (device_id uniqueidentifier NOT NULL PRIMARY KEY, bought date NULL)",
        NUMBERS + "INSERT INTO sales.devices SELECT CAST(RIGHT('00000000' + CAST(i AS varchar(8)), 8)"
            + " + '-0000-4000-8000-' + RIGHT('000000000000' + CAST(i * 7919 AS varchar(12)), 12) AS uniqueidentifier),"
            + " CASE WHEN i % 4 = 0 THEN NULL ELSE DATEADD(day, i, CAST('2019-01-01' AS date)) END FROM s WHERE i <= 300",
        "CREATE TABLE sales.places (id int NOT NULL PRIMARY KEY, node hierarchyid NULL, geo geography NULL)",
        """
        INSERT INTO sales.places VALUES
          (1, hierarchyid::Parse('/1/3/2.5/'), geography::STGeomFromText('POINT(-122.349 47.651)', 4326)),
          (2, hierarchyid::GetRoot(), geography::STGeomFromText('LINESTRING(-122.360 47.656, -122.343 47.656)', 4269)),
          (3, NULL, NULL)""");
  }

  @AfterAll
  static void drop() throws Exception {
    if (mssql != null) {
      mssql.close();
    }
    PG.close();
  }

  @Test
  void aCleanCopyOfSqlServersOwnTypesVerifiesCleanAndAChangedRowIsNamed() throws Exception {
    String targetUrl = PG.create("mssql22_verify_tgt");
    Endpoint target = PG.connection(targetUrl);
    List<TablePlan> plans = copy(new TargetSpec("postgresql", targetUrl, PG.user(), PG.password(), "app", "district"), target);
    assertThat(plans).extracting(TablePlan::sourceTable)
        .containsExactlyInAnyOrder("sales.kinds", "sales.codes", "sales.devices", "sales.places");

    for (TablePlan p : plans) {
      VerifyFindings f = verify(p, KeyRange.ALL, target);
      assertThat(f.clean()).as(p.sourceTable() + ": " + f).isTrue();
      assertThat(f.sourceRows()).as(p.sourceTable()).isPositive();
    }
    TablePlan kinds = plan(plans, "sales.kinds");
    assertThat(kinds.split().orderPortable()).containsExactly(true);
    long rows = 0;
    for (KeyRange range : ranges(kinds)) {
      VerifyFindings f = verify(kinds, range, target);
      assertThat(f.clean()).as(range + ": " + f).isTrue();
      rows += f.sourceRows();
    }
    assertThat(rows).isEqualTo(903);
    assertThat(plan(plans, "sales.devices").split().orderPortable()).as("SQL Server orders a GUID by its last bytes")
        .containsExactly(false);

    try (Connection t = PG.open(targetUrl); Statement st = t.createStatement()) {
      st.execute("UPDATE app.kinds SET m = m + 0.0001 WHERE district = 'd1' AND id = 7");
      st.execute("UPDATE app.kinds SET dto = dto + interval '1 microsecond' WHERE district = 'd1' AND id = 1002");
      st.execute("UPDATE app.codes SET name = 'renamed' WHERE district = 'd1' AND code = 'ABD'");
      st.execute("DELETE FROM app.devices WHERE district = 'd1' AND device_id = '00000300-0000-4000-8000-000002375700'");
      st.execute("UPDATE app.places SET geo = 'SRID=4326;POINT (1 1)' WHERE district = 'd1' AND id = 1");
    }
    List<Difference> changed = new ArrayList<>();
    for (KeyRange range : ranges(kinds)) {
      changed.addAll(verify(kinds, range, target).differences());
    }
    assertThat(changed).containsExactly(new Difference(Kind.DIFFERENT, List.of("7"), List.of("m")),
        new Difference(Kind.DIFFERENT, List.of("1002"), List.of("dto")));
    assertThat(verify(plan(plans, "sales.codes"), KeyRange.ALL, target).differences())
        .containsExactly(new Difference(Kind.DIFFERENT, List.of("ABD"), List.of("name")));
    VerifyFindings devices = verify(plan(plans, "sales.devices"), KeyRange.ALL, target);
    assertThat(devices.differences())
        .containsExactly(new Difference(Kind.MISSING, List.of("00000300-0000-4000-8000-000002375700"), List.of()));
    assertThat(devices.sourceRows() - devices.targetRows()).isEqualTo(1);
    assertThat(verify(plan(plans, "sales.places"), KeyRange.ALL, target).differences())
        .containsExactly(new Difference(Kind.DIFFERENT, List.of("1"), List.of("geo")));
  }

  /** Preflight, prepare, one copy unit per table, finish: as a coordinator would schedule them. */
  private List<TablePlan> copy(TargetSpec targetSpec, Endpoint target) {
    Endpoint e = mssql.connection(sourceUrl);
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", List.of(new TenantSpec(TENANT, e.url(), e.user(), e.password()))),
        targetSpec, new TableSelection(List.of("sales.*"), List.of()), Mode.CREATE, null);
    return SqlServerJobCopy.run(executor, spec, p -> e, target);
  }

  private VerifyFindings verify(TablePlan p, KeyRange range, Endpoint target) {
    UnitOutcome o = executor.execute(Units.verify("verify-" + p.targetTable() + "-" + range, JOB, p, range,
        mssql.connection(sourceUrl), target, "district"), new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(p.sourceTable() + ": " + o.error()).isTrue();
    return o.findings();
  }

  /** Three ranges cut at the source's own points. */
  private List<KeyRange> ranges(TablePlan p) throws SQLException {
    return SqlServerJobCopy.ranges(mssql.connection(sourceUrl), p);
  }

  private static TablePlan plan(List<TablePlan> plans, String table) {
    return plans.stream().filter(p -> p.sourceTable().equals(table)).findFirst().orElseThrow();
  }
}
