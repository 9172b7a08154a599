package io.ferry.worker.sqlserver;

import com.microsoft.sqlserver.jdbc.ISQLServerConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The isolation a unit's read runs under: {@code SNAPSHOT} when the database allows it
 * ({@code ALLOW_SNAPSHOT_ISOLATION ON}), so the range is read as of one moment without blocking writers;
 * else {@code READ COMMITTED}, which reads one moment per statement too when the database has
 * {@code READ_COMMITTED_SNAPSHOT ON}, and otherwise only what is committed as each row is reached: a plan
 * warning says so.
 */
final class SqlServerIsolation {

  private static final String STATE = "SELECT snapshot_isolation_state, is_read_committed_snapshot_on FROM sys.databases WHERE database_id = DB_ID()";
  /** {@code sys.databases.snapshot_isolation_state}: 1 is ON. */
  private static final int SNAPSHOT_ON = 1;

  private SqlServerIsolation() {
  }

  static boolean snapshotAllowed(Connection source) throws SQLException {
    return state(source)[0];
  }

  /** Whether the database allows snapshot isolation, and whether its READ COMMITTED reads row versions. */
  private static boolean[] state(Connection source) throws SQLException {
    try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery(STATE)) {
      return rs.next() ? new boolean[] {rs.getInt(1) == SNAPSHOT_ON, rs.getBoolean(2)} : new boolean[] {false, false};
    }
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
    boolean[] state = state(source);
    if (state[0]) {
      return null;
    }
    String database = "database " + source.getCatalog() + " does not allow SNAPSHOT isolation (ALLOW_SNAPSHOT_ISOLATION OFF):"
        + " each unit reads under READ COMMITTED";
    if (state[1]) {
      return database + " with READ_COMMITTED_SNAPSHOT ON: a unit's read is consistent, but the units of a table"
          + " read different moments; copy a database no one writes, or allow snapshot isolation";
    }
    return database + " (locking): rows written during the copy may be read in their old or new state, and a row"
        + " whose key changes during the read may be read twice or not at all; copy a database no one writes, or"
        + " allow snapshot isolation";
  }
}
