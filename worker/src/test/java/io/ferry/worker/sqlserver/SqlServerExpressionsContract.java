package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
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
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A table with CHECK constraints, defaults, computed columns and a filtered unique index, moved from a SQL
 * Server source into PostgreSQL by preflight, prepare, copy and finish: the translated constraints exist on
 * the target and hold there. The server comes from {@link #databases()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlServerExpressionsContract {

  private static final String JOB = "job-expr";
  private final TestPostgres pg = new TestPostgres();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(pools);
  private SqlServerDatabases mssql;
  private String sourceUrl;
  private String targetUrl;

  protected abstract SqlServerDatabases databases();

  @BeforeAll
  void tables() throws Exception {
    mssql = databases();
    sourceUrl = mssql.create("expr");
    mssql.execute(sourceUrl,
        """
        CREATE TABLE dbo.orders (
          id int NOT NULL PRIMARY KEY,
          qty int NOT NULL CONSTRAINT ck_qty CHECK (qty > 0),
          price decimal(10,2) NOT NULL CONSTRAINT df_price DEFAULT 0,
          status char(1) NOT NULL CONSTRAINT df_status DEFAULT 'A' CONSTRAINT ck_status CHECK (status = 'A' OR status = 'B'),
          label nvarchar(20) NULL CONSTRAINT df_label DEFAULT N'none',
          created datetime NULL CONSTRAINT df_created DEFAULT getdate(),
          token uniqueidentifier NULL CONSTRAINT df_token DEFAULT newid(),
          live bit NOT NULL CONSTRAINT df_live DEFAULT 1,
          code varchar(10) NULL,
          total AS (CAST(price * qty AS decimal(12,2))),
          yr AS (datepart(year, created)),
          wd AS (datepart(weekday, created)))""",
        "CREATE UNIQUE INDEX ux_code_live ON dbo.orders (code) WHERE live = 1",
        "INSERT INTO dbo.orders (id, qty, price, status, created, live, code) VALUES"
            + " (1, 2, 1.50, 'A', '2020-05-01', 1, 'x'), (2, 3, 2.00, 'B', '2021-06-01', 0, 'y'),"
            + " (3, 1, 9.99, 'A', '2022-07-01', 0, 'z')");
    targetUrl = pg.create("expr_tgt");
  }

  @AfterAll
  void drop() throws Exception {
    pools.close();
    mssql.close();
    pg.close();
  }

  @Test
  void constraintsDefaultsAndComputedColumnsHoldOnPostgres() throws Exception {
    Endpoint e = mssql.connection(sourceUrl);
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", List.of(new TenantSpec("d1", e.url(), e.user(), e.password()))),
        new TargetSpec("postgresql", targetUrl, pg.user(), pg.password(), "app", null),
        new TableSelection(List.of("dbo.orders"), List.of()), Mode.CREATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    TablePlan plan = reply.plans().get(0);
    // The computed columns are computed by the target: the copy leaves them out.
    assertThat(plan.columns()).extracting(ColumnPlan::name).doesNotContain("total", "yr");
    assertThat(plan.warnings()).noneMatch(w -> w.contains("not carried"));
    // A weekday depends on the session's DATEFIRST: the column lands plain and its values are copied.
    assertThat(plan.columns()).extracting(ColumnPlan::name).contains("wd");
    assertThat(plan.warnings()).filteredOn(w -> w.contains("plain column")).singleElement().asString()
        .startsWith("table dbo.orders: computed column wd (");
    List<String> weekdays;
    try (Connection s = mssql.open(sourceUrl); Statement st = s.createStatement()) {
      weekdays = rows(st, "SELECT wd FROM dbo.orders ORDER BY id");
    }

    ok(Units.types("prepare-types", JOB, reply.plans(), e, target()));
    ok(Units.statements("prepare", JOB, UnitKind.PREPARE, plan, plan.ddl().prepare(), e, target()));
    ok(Units.copy("copy", JOB, plan, KeyRange.ALL, 1, e, target(), null, 100));
    ok(Units.statements("finish", JOB, UnitKind.FINISH, plan, plan.ddl().finish(), e, target()));

    try (Connection t = pg.open(targetUrl); Statement st = t.createStatement()) {
      assertThat(rows(st, "SELECT id || ':' || total || ':' || yr FROM app.orders ORDER BY id"))
          .containsExactly("1:3.00:2020", "2:6.00:2021", "3:9.99:2022");
      assertThat(rows(st, "SELECT wd FROM app.orders ORDER BY id")).isEqualTo(weekdays).doesNotContainNull();
      st.execute("INSERT INTO app.orders (id, qty) VALUES (10, 4)");
      int year = LocalDate.now().getYear();
      assertThat(rows(st, "SELECT price || ':' || status || ':' || label || ':' || live || ':' || (token IS NOT NULL)"
          + " || ':' || total || ':' || (yr BETWEEN " + (year - 1) + " AND " + (year + 1) + ") FROM app.orders WHERE id = 10"))
          .containsExactly("0.00:A:none:true:true:0.00:true");
      assertThat(rows(st, "SELECT conname FROM pg_constraint WHERE conrelid = 'app.orders'::regclass AND contype = 'c'"
          + " ORDER BY conname")).containsExactly("ck_qty", "ck_status");
      assertThatThrownBy(() -> st.execute("INSERT INTO app.orders (id, qty) VALUES (11, 0)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("ck_qty");
      assertThatThrownBy(() -> st.execute("INSERT INTO app.orders (id, qty, status) VALUES (12, 1, 'C')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("ck_status");
      assertFilteredIndex(st);
    }
  }

  /** The unique index on code (Babelfish's catalog does not report its filter). */
  protected void assertFilteredIndex(Statement st) throws SQLException {
    assertThat(rows(st, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'app' AND tablename = 'orders'"
        + " AND indexdef LIKE 'CREATE UNIQUE INDEX%(code)%'")).containsExactly("1");
  }

  protected static List<String> rows(Statement st, String sql) throws SQLException {
    List<String> out = new java.util.ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private void ok(Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  private Endpoint target() {
    return pg.connection(targetUrl);
  }
}
