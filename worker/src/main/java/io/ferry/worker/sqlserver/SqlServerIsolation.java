package io.ferry.worker.sqlserver;

import com.microsoft.sqlserver.jdbc.ISQLServerConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The isolation a unit's read runs under: {@code SNAPSHOT} when the database allows it
 * ({@code ALLOW_SNAPSHOT_ISOLATION ON}), so the range is read as of one moment without blocking writers;
 * else {@code READ COMMITTED}, which reads one moment per statement too when the database has
 * {@code READ_COMMITTED_SNAPSHOT ON}, and otherwise only what is committed as each row is reached: a plan
 * warning says so. The state is read afresh each time ({@link SqlServerCapabilities#read}): an
 * {@code ALTER DATABASE} can change it while a job runs, and a {@code SNAPSHOT} read it no longer allows fails.
 */
final class SqlServerIsolation {

  private SqlServerIsolation() {
  }

  static boolean snapshotAllowed(Connection source) throws SQLException {
    return SqlServerCapabilities.read(source).snapshotAllowed();
  }

  /**
   * Sets the session's isolation for the next statement, which runs in autocommit: one statement is one
   * transaction, so under {@code SNAPSHOT} every chunk cut from its rows reads the same moment.
   */
  static void apply(Connection source) throws SQLException {
    source.setAutoCommit(true);
    source.setTransactionIsolation(snapshotAllowed(source)
        ? ISQLServerConnection.TRANSACTION_SNAPSHOT : Connection.TRANSACTION_READ_COMMITTED);
  }

  /** The plan warning of a database without snapshot isolation, or null. */
  static String warning(Connection source) throws SQLException {
    return warning(SqlServerCapabilities.read(source), source.getCatalog());
  }

  static String warning(SqlServerCapabilities server, String databaseName) {
    if (server.snapshotAllowed()) {
      return null;
    }
    String database = "database " + databaseName + " does not allow SNAPSHOT isolation (ALLOW_SNAPSHOT_ISOLATION OFF):"
        + " each unit reads under READ COMMITTED";
    if (server.readCommittedSnapshot()) {
      return database + " with READ_COMMITTED_SNAPSHOT ON: a unit's read is consistent, but the units of a table"
          + " read different moments; copy a database no one writes, or allow snapshot isolation";
    }
    return database + " (locking): rows written during the copy may be read in their old or new state, and a row"
        + " whose key changes during the read may be read twice or not at all; copy a database no one writes, or"
        + " allow snapshot isolation";
  }
}
