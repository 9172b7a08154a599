package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testsupport.SqlServerDatabaseLock;
import io.ferry.testsupport.TestPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry demo --source sqlserver} as a user runs it: three districts built on the SQL Server test
 * server (Babelfish, or {@code FERRY_TEST_MSSQL_URL}), consolidated into PostgreSQL by a real cluster,
 * ending with the job's verification report (compared through the type mapping by the verify units); and
 * the error a user gets when no SQL Server answers.
 */
class SqlServerDemoIT {

  final String prefix = "ferry_it_demo_" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void dropDatabases() throws Exception {
    SqlServerConsolidationIT.dropDatabases(List.of(prefix + "_district_1", prefix + "_district_2", prefix + "_district_3"));
    try (TestPostgres pg = new TestPostgres(); Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + prefix + "_target WITH (FORCE)");
    }
  }

  @Test
  void consolidatesTheSqlServerDistrictsAndEndsWithTheCleanVerificationReport() throws Exception {
    // The demo creates its district databases: no other test JVM may create or drop one meanwhile.
    CliRun[] demo = new CliRun[1];
    SqlServerDatabaseLock.run(() -> demo[0] = CliRun.of(300, args("--sqlserver-url", SqlServerConsolidationIT.SERVER)));
    CliRun run = demo[0];
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).doesNotContain(SqlServerConsolidationIT.PASSWORD).contains("districts on SQL Server");
    DemoIT.assertCleanReport(run.output(), Map.of("schools", 200L, "students", 1200L, "enrollments", 2300L));
  }

  @Test
  void saysClearlyThatNoSqlServerAnswers() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliRun run = CliRun.of(120, args("--sqlserver-url", "jdbc:sqlserver://127.0.0.1:" + closedPort + ";encrypt=false"));
    assertThat(run.exitCode()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("no SQL Server answers at jdbc:sqlserver://127.0.0.1:" + closedPort, "--sqlserver-url")
        .doesNotContain("\tat ", SqlServerConsolidationIT.PASSWORD);
  }

  /** The demo at scale 0.01 (~10,500 rows) with one worker (one JVM less to start), as the test server's user. */
  String[] args(String... extra) {
    List<String> args = new ArrayList<>(List.of("demo", "--source", "sqlserver", "--scale", "0.01", "--workers", "1", "--database-prefix", prefix,
        "--sqlserver-user", SqlServerConsolidationIT.USER, "--sqlserver-password", SqlServerConsolidationIT.PASSWORD));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }
}
