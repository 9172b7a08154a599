package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.RangeRead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keyset read of a {@link RangeRead}: {@code SELECT [TOP (n)] <list> FROM t WHERE <range> ORDER BY
 * <key>}, the key columns appended to the list when the read carries them as trailing fields. One
 * statement text for the binary read, the first-row read back and the read-rate sample, so the three
 * always select the same rows in the same order.
 *
 * @param sql      the statement, placeholders for the range's bounds
 * @param keyIndex the 1-based result column of the first appended key column
 */
record SqlServerSelect(String sql, SqlServerRange range, int keyIndex) {

  /**
   * @param select the select-list entries of the read's columns
   * @param top    at most this many rows, or 0 for all
   */
  static SqlServerSelect of(RangeRead read, List<String> select, int top) {
    List<String> list = new ArrayList<>(select);
    int keyIndex = list.size() + 1;
    if (read.keyFields() > 0) {
      read.key().columns().forEach(k -> list.add(SqlServerSql.ident(k)));
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(top > 0 ? "TOP (" + top + ") " : "")
        .append(String.join(", ", list)).append(" FROM ").append(SqlServerSql.table(read.table()));
    SqlServerRange range = null;
    if (read.key() != null && read.key().ordered()) {
      range = SqlServerRange.of(read.key(), read.range(), read.resumable() ? read.resumeAfter() : null);
      if (!range.sql().isEmpty()) {
        sql.append(" WHERE ").append(range.sql());
      }
      if (read.resumable()) {
        sql.append(" ORDER BY ").append(SqlServerSql.idents(read.key().columns()));
      }
    }
    return new SqlServerSelect(sql.toString(), range, keyIndex);
  }

  /** Runs the read forward-only and read-only, its bounds bound as the key columns' own types. */
  ResultSet execute(PreparedStatement ps) throws SQLException {
    if (range != null) {
      for (int p = 0; p < range.params().size(); p++) {
        SqlServerKeyText.bind(ps, p + 1, range.params().get(p), range.types().get(p));
      }
    }
    return ps.executeQuery();
  }

  PreparedStatement prepare(Connection source) throws SQLException {
    return source.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
  }

  /**
   * Closes a read's statement. An unfinished read is cancelled first: closing it alone would make the driver read
   * the rest of the range.
   */
  static void close(PreparedStatement statement, boolean unfinished) {
    try {
      if (unfinished) {
        statement.cancel();
      }
      statement.close();
    } catch (SQLException ignored) {
      // closing a cancelled read can fail; the connection is what a caller still owns
    }
  }
}
