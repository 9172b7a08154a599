package io.ferry.worker.dialect;

import java.sql.SQLException;

/**
 * Rows of one range as a PostgreSQL binary COPY stream (header, tuples, trailer). Binary COPY is the
 * currency between readers and the PostgreSQL writer: a PostgreSQL source passes the server's bytes
 * through; a SQL Server source will encode its rows into the same format.
 */
public interface CopySource extends AutoCloseable {

  /** The next block of the stream, or null at its end. */
  byte[] read() throws SQLException;

  /** Abandons the stream early (the rest is not read). */
  void cancel();

  @Override
  void close();
}
