package io.ferry.worker.postgres;

import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Measures how fast the source serves a table's rows, for the plan's duration estimate: a binary COPY
 * of the table's first rows, about {@value #SAMPLE_BYTES} bytes (a LIMIT from the average row size),
 * read to its end. Cheap by construction (a LIMIT bounds the server's work too); tables smaller
 * than {@value #MIN_TABLE_BYTES} bytes are not measured, since a tiny read measures latency, not
 * throughput.
 */
final class PostgresReadSample {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresReadSample.class);

  static final long SAMPLE_BYTES = 4L * 1024 * 1024;
  static final long MIN_TABLE_BYTES = 1024L * 1024;

  private PostgresReadSample() {
  }

  /**
   * Bytes per second, or 0 when the table is too small to measure or the sample read failed: an estimate
   * is not worth failing a job's preflight for (the copy itself reports real problems).
   */
  static double measure(Connection source, SourceTable table) {
    if (table.estimatedBytes() < MIN_TABLE_BYTES || table.estimatedRows() <= 0) {
      return 0;
    }
    try {
      return read(source, table);
    } catch (SQLException e) {
      LOG.debug("sample read of {} failed, its read rate is not measured: {}", table.name(), e.getMessage());
      return 0;
    }
  }

  private static double read(Connection source, SourceTable table) throws SQLException {
    long bytesPerRow = Math.max(1, table.estimatedBytes() / table.estimatedRows());
    long limit = Math.max(100, SAMPLE_BYTES / bytesPerRow);
    String sql = "COPY (SELECT * FROM " + PgSql.table(table.name()) + " LIMIT " + limit + ") TO STDOUT (FORMAT binary)";
    long started = System.nanoTime();
    long bytes = 0;
    // Read to the end, never cancel: the LIMIT already bounds the sample to about SAMPLE_BYTES, and a
    // cancel request reaches the server asynchronously, so it can hit the survey's next query on this
    // connection instead of the COPY (seen as "No results were returned by the query" on the next table).
    // A COPY cut short (an error) leaves the protocol mid-transfer: a pooled connection is then closed.
    LentConnection.of(source).bulkStarted();
    CopyOut out = source.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    for (byte[] block = out.readFromCopy(); block != null; block = out.readFromCopy()) {
      bytes += block.length;
    }
    LentConnection.of(source).bulkEnded();
    long elapsed = Math.max(1, System.nanoTime() - started);
    return bytes * 1e9 / elapsed;
  }
}
