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
import io.ferry.testsupport.TestPostgres;
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
 * Two district databases into one PostgreSQL database through the worker's units, as a job with
 * {@code source.engine: sqlserver} runs them: preflight, prepare, copies in ranges cut at the source's
 * points with chunks of a few rows, finish; every row lands once.
 */
class SqlServerCopyUnitIT {

  private static final String JOB = "job-mssql-copy";
  private static final int ROWS = 40;
  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static final Map<String, String> DISTRICTS = new LinkedHashMap<>();
  private static final ConnectionPools POOLS = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private static String targetUrl;
  private final UnitExecutor executor = new UnitExecutor(POOLS);

  @BeforeAll
  static void districts() throws Exception {
    for (String d : List.of("d1", "d2")) {
      String url = MSSQL.create("copy_" + d);
      DISTRICTS.put(d, url);
      List<String> sql = new ArrayList<>(List.of(
          "CREATE TABLE dbo.people (id bigint PRIMARY KEY, name nvarchar(40) NOT NULL)",
          "CREATE TABLE dbo.codes (code varchar(20) NOT NULL PRIMARY KEY, n int)",
          "CREATE TABLE dbo.things (id uniqueidentifier PRIMARY KEY, label nvarchar(20))",
          "CREATE TABLE dbo.log (line nvarchar(50))"));
      for (int g = 1; g <= ROWS; g++) {
        sql.add("INSERT INTO dbo.people VALUES (" + (g * 1_000_000_007L) + ", N'p" + g + " ✓')");
        // Upper and lower case interleave: the server's case-insensitive order is not Java's.
        sql.add("INSERT INTO dbo.codes VALUES ('" + (g % 2 == 0 ? "K" : "k") + (char) ('a' + g % 26) + g + "', " + g + ")");
        sql.add("INSERT INTO dbo.things VALUES ('" + UUID.nameUUIDFromBytes((d + g).getBytes()) + "', N't" + g + "')");
        sql.add("INSERT INTO dbo.log VALUES (N'line " + g + "')");
      }
      MSSQL.execute(url, sql.toArray(String[]::new));
    }
    targetUrl = PG.create("mssql_copy_tgt");
  }

  @AfterAll
  static void drop() throws Exception {
    POOLS.close();
    MSSQL.close();
    PG.close();
  }

  @Test
  void everyRowOfEveryDistrictLandsOnceInRangesOfManyChunks() throws Exception {
    List<TenantSpec> tenants = new ArrayList<>();
    DISTRICTS.forEach((id, url) -> {
      Endpoint e = MSSQL.connection(url);
      tenants.add(new TenantSpec(id, e.url(), e.user(), e.password()));
    });
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", tenants),
        new TargetSpec("postgresql", targetUrl, PG.user(), PG.password(), "app", "district"),
        new TableSelection(List.of("dbo.*"), List.of()), Mode.CREATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();

    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    reply.plans().forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    // The job-level prepare: the case-insensitive collation the text keys land with.
    TablePlan first = reply.plans().get(0);
    ok(Units.statements("prepare-types", JOB, UnitKind.PREPARE, first,
        reply.plans().stream().flatMap(p -> p.ddl().types().stream()).distinct().toList(), source(first), target()));
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("prepare-" + p.targetTable(), JOB, UnitKind.PREPARE, p, p.ddl().prepare(), source(p), target()));
    }
    int units = 0;
    for (TablePlan p : reply.plans()) {
      for (KeyRange range : ranges(p)) {
        ok(Units.copy("copy-" + units++, JOB, p, range, 1, source(p), target(), "district", 3));
      }
    }
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements("finish-" + p.targetTable(), JOB, UnitKind.FINISH, p, p.ddl().finish(), source(p), target()));
    }

    try (Connection t = PG.open(targetUrl); Statement st = t.createStatement()) {
      for (String table : List.of("people", "codes", "things", "log")) {
        try (ResultSet rs = st.executeQuery("SELECT district, count(*), count(DISTINCT " + (table.equals("log") ? "line" : "v.*")
            + ") FROM app." + table + " v GROUP BY district ORDER BY district")) {
          for (String d : DISTRICTS.keySet()) {
            assertThat(rs.next()).as(table).isTrue();
            assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3))).as(table).isEqualTo(List.of(d, (long) ROWS, (long) ROWS));
          }
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT name FROM app.people WHERE id = 3000000021 AND district = 'd2'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("p3 ✓");
      }
    }
  }

  /** Three ranges cut at the source's own points (the row estimates Babelfish reports are 0, so the plan has none). */
  private List<KeyRange> ranges(TablePlan p) throws SQLException {
    if (p.split().method() == SplitMethod.SINGLE_UNIT) {
      return List.of(KeyRange.ALL);
    }
    SqlServerSource dialect = new SqlServerSource();
    try (Connection c = dialect.connect(source(p))) {
      SourceTable table = dialect.describe(c, TableName.parse(p.sourceTable()), new ArrayList<>());
      List<KeyRange> ranges = Units.ranges(dialect.sampleKey(c, table, SplitKey.of(p), 9, 2).quantiles(), 3);
      assertThat(ranges).as(p.sourceTable()).hasSize(3);
      return ranges;
    }
  }

  private void ok(io.ferry.protocol.message.Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  private static Endpoint source(TablePlan p) {
    return MSSQL.connection(DISTRICTS.get(p.tenantId()));
  }

  private static Endpoint target() {
    return PG.connection(targetUrl);
  }
}
