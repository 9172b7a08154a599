package io.ferry.worker.sqlserver;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Runs a T-SQL batch of several statements and reads every result it returns, update counts included:
 * mssql-jdbc raises an error of a statement only when the results reach it, so a failed COMMIT at the
 * end of a batch would go unnoticed if the results were left unread.
 */
final class SqlServerBatch {

  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private SqlServerBatch() {
  }

  /** Runs a batch that returns no rows. */
  static void run(PreparedStatement ps) throws SQLException {
    results(ps, null);
  }

  /** Runs the batch and returns what {@code reader} makes of its one result set. */
  static <T> T run(PreparedStatement ps, Reader<T> reader) throws SQLException {
    return results(ps, reader);
  }

  private static <T> T results(PreparedStatement ps, Reader<T> reader) throws SQLException {
    T value = null;
    boolean read = false;
    boolean isResultSet = ps.execute();
    while (isResultSet || ps.getUpdateCount() != -1) {
      if (isResultSet) {
        if (reader == null || read) {
          throw new SQLException("a checkpoint batch returned an unexpected result set");
        }
        try (ResultSet rs = ps.getResultSet()) {
          value = reader.read(rs);
          read = true;
        }
      }
      isResultSet = ps.getMoreResults();
    }
    if (reader != null && !read) {
      throw new SQLException("a checkpoint batch returned no result set");
    }
    return value;
  }
}
