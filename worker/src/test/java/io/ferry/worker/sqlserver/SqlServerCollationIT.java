package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
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
import io.ferry.worker.postgres.PostgresTarget;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A district table whose keys are case-insensitive on SQL Server stays case-insensitive on PostgreSQL:
 * the job creates ICU nondeterministic collations, so a key that refused 'ABC' beside 'abc' on the source
 * refuses it on the target too; with {@code target.collations: default} the target is case-sensitive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerCollationIT {

  private static final String JOB = "job-coll";
  protected final TestPostgres pg = new TestPostgres();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(pools);
  protected SqlServerDatabases mssql;
  protected String sourceUrl;

  /** The SQL Server the tests read: the shared Babelfish server here, SQL Server 2022 in a subclass. */
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases();
  }

  @BeforeAll
  void district() throws Exception {
    mssql = databases();
    sourceUrl = mssql.create("coll");
    mssql.execute(sourceUrl,
        "CREATE TABLE dbo.students (login varchar(20) COLLATE SQL_Latin1_General_CP1_CI_AS PRIMARY KEY,"
            + " email nvarchar(60) COLLATE Latin1_General_CI_AS NOT NULL UNIQUE,"
            + " nick nvarchar(20) COLLATE Latin1_General_CI_AI, code varchar(10) COLLATE Latin1_General_BIN2,"
            + " motto nvarchar(40) COLLATE Latin1_General_CS_AS)",
        "INSERT INTO dbo.students VALUES ('abc', N'abc@example.org', N'José', 'x', N'Up'),"
            + " ('Def', N'Def@Example.org', N'ana', 'Y', N'down')");
  }

  @AfterAll
  void drop() throws Exception {
    pools.close();
    if (mssql != null) {
      mssql.close();
    }
    pg.close();
  }

  @Test
  void caseInsensitiveKeysStayCaseInsensitiveOnTheTarget() throws Exception {
    String targetUrl = pg.create("coll_map");
    TablePlan plan = copy(targetUrl, null);
    assertThat(plan.columns()).extracting(c -> c.name() + " " + c.collation()).containsExactly(
        "login \"dbo\".\"ferry_ci_as\"", "email \"dbo\".\"ferry_ci_as\"", "nick \"dbo\".\"ferry_ci_ai\"",
        "code \"pg_catalog\".\"C\"", "motto null");

    try (Connection t = pg.open(targetUrl); Statement st = t.createStatement()) {
      t.setAutoCommit(true);
      assertThat(count(st, "SELECT count(*) FROM dbo.students")).isEqualTo(2);
      assertThat(count(st, "SELECT count(*) FROM dbo.students WHERE login = 'ABC' AND email = 'ABC@EXAMPLE.ORG'")).isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM dbo.students WHERE nick = 'JOSE'")).isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM dbo.students WHERE code = 'X' OR motto = 'up'")).isZero();
      assertThatThrownBy(() -> st.execute("INSERT INTO dbo.students (login, email) VALUES ('ABC', 'new@example.org')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("duplicate key")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
      assertThatThrownBy(() -> st.execute("INSERT INTO dbo.students (login, email) VALUES ('new', 'DEF@example.ORG')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
      st.execute("INSERT INTO dbo.students (login, email) VALUES ('ábc', 'other@example.org')");
    }
  }

  @Test
  void targetCollationsDefaultGivesTheDatabaseDefault() throws Exception {
    String targetUrl = pg.create("coll_default");
    TablePlan plan = copy(targetUrl, TargetSpec.COLLATIONS_DEFAULT);
    assertThat(plan.columns()).allSatisfy(c -> assertThat(c.collation()).isNull());
    assertThat(plan.ddl().types()).isEmpty();
    try (Connection t = pg.open(targetUrl); Statement st = t.createStatement()) {
      t.setAutoCommit(true);
      st.execute("INSERT INTO dbo.students (login, email) VALUES ('ABC', 'ABC@example.org')");
      assertThat(count(st, "SELECT count(*) FROM dbo.students WHERE lower(login) = 'abc'")).isEqualTo(2);
    }
  }

  @Test
  void aTargetWithoutAProviderIsNamed() throws Exception {
    try (Connection t = pg.open(pg.create("coll_icu"))) {
      // PostgreSQL 15 has ICU here but no builtin provider (PostgreSQL 17's): the check tells them apart.
      assertThat(new PostgresTarget().missingCollationProviders(t, List.of("icu", "builtin"))).containsExactly("builtin");
    }
  }

  /** Preflight, the job-level prepare (types), the table's prepare, one copy unit and the finish. */
  protected TablePlan copy(String targetUrl, String collations) throws Exception {
    return copy(targetUrl, collations, "dbo.students");
  }

  protected TablePlan copy(String targetUrl, String collations, String table) throws Exception {
    Endpoint source = mssql.connection(sourceUrl);
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", List.of(new TenantSpec("d1", source.url(), source.user(),
        source.password()))), new TargetSpec("postgresql", targetUrl, pg.user(), pg.password(), null, null, null, null, null, null, collations),
        new TableSelection(List.of(table), List.of()), Mode.CREATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    TablePlan plan = reply.plans().get(0);
    Endpoint target = pg.connection(targetUrl);
    ok(Units.statements("prepare-types", JOB, UnitKind.PREPARE, plan, plan.ddl().types(), source, target));
    ok(Units.statements("prepare", JOB, UnitKind.PREPARE, plan, plan.ddl().prepare(), source, target));
    ok(Units.copy("copy", JOB, plan, KeyRange.ALL, 1, source, target, null, 100));
    ok(Units.statements("finish", JOB, UnitKind.FINISH, plan, plan.ddl().finish(), source, target));
    return plan;
  }

  private void ok(Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  protected static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
