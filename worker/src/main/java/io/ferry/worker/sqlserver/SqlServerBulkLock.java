package io.ferry.worker.sqlserver;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a unit's bulk loads lock the whole target table. Into a heap without indexes a table lock is a
 * bulk-update (BU) lock, which the loads of the other units share, and makes the load minimally logged; into
 * a table with a clustered or nonclustered index SQL Server takes an exclusive table lock instead, so the
 * units of that table would wait for each other (Microsoft: "Controlling locking behavior for bulk import",
 * "Prerequisites for minimal logging in bulk import"). Decided from the table's indexes as the unit starts,
 * since {@code truncate} keeps whatever indexes the user's table has.
 */
final class SqlServerBulkLock {

  /** The table's indexes of any kind (clustered, nonclustered, columnstore, XML, spatial), hypothetical ones aside. */
  static final String INDEXES =
      "SELECT COUNT(*) FROM sys.indexes WHERE object_id = OBJECT_ID(?) AND index_id > 0 AND is_hypothetical = 0";

  private SqlServerBulkLock() {
  }

  /**
   * Reads the table's indexes (one query) when the mode may lock the table.
   *
   * @return whether the loads take the table lock
   */
  static boolean tableLock(Connection target, TableName table, Mode mode) throws SQLException {
    if (!replacesContent(mode)) {
      return false;
    }
    try (PreparedStatement ps = target.prepareStatement(INDEXES)) {
      ps.setNString(1, SqlServerSql.table(table));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return tableLock(mode, rs.getInt(1));
      }
    }
  }

  /** A table lock where the job fills the table and it is a heap without indexes. */
  static boolean tableLock(Mode mode, int indexes) {
    return replacesContent(mode) && indexes == 0;
  }

  /**
   * The modes whose table holds only what the job copies. Elsewhere ({@code append}, {@code preserve_schema})
   * the table's existing rows stay readable during the copy, which a BU lock would prevent.
   */
  private static boolean replacesContent(Mode mode) {
    return mode == Mode.CREATE || mode == Mode.DROP_RECREATE || mode == Mode.TRUNCATE;
  }
}
