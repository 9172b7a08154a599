package io.ferry.coordinator.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The store's contract on a SQL Server target: the shared server ({@link TestSqlServer}). */
class SqlServerTargetStoreTest extends TargetStoreContract {

  private TestSqlServer server;

  /** The server to test on, asked for once the test's containers (if any) have started. */
  protected TestSqlServer server() {
    return new TestSqlServer();
  }

  @Override
  protected Target newTarget(String name) throws SQLException {
    if (server == null) {
      server = server();
    }
    return new Target("sqlserver", server.create(name), server.user(), server.password());
  }

  @Override
  protected Connection connect(Target target) throws SQLException {
    return server.open(target.url());
  }

  @Override
  protected void dropDatabases() throws SQLException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected void dropFerrySchema(Target target) throws SQLException {
    try (Connection c = connect(target)) {
      c.createStatement().execute("DROP TABLE ferry.jobs, ferry.units, ferry.checkpoints, ferry.rejects");
      c.createStatement().execute("DROP SCHEMA ferry");
    }
  }

  /** datetime2 without a zone, in UTC as the schema's SYSUTCDATETIME() default writes it. */
  @Override
  protected Object rejectedAt(String utc) {
    return java.time.LocalDateTime.parse(utc.replace(' ', 'T'));
  }
}
