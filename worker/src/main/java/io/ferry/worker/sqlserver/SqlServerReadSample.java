package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Measures how fast the source serves a table's rows, for the plan's duration estimate: the table's first
 * rows, about {@value #SAMPLE_BYTES} bytes ({@code TOP} from the average row size), read and encoded as a
 * copy reads them, to the end. Tables the catalog sizes under {@value #MIN_TABLE_BYTES} bytes are not
 * measured: a tiny read measures latency, not throughput.
 */
final class SqlServerReadSample {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqlServerReadSample.class);

  static final long SAMPLE_BYTES = 4L * 1024 * 1024;
  static final long MIN_TABLE_BYTES = 1024L * 1024;

  private SqlServerReadSample() {
  }

  /** Bytes per second, or 0 when not measured: an estimate is not worth failing a preflight for. */
  static double measure(Connection source, SourceTable table) {
    if (table.estimatedBytes() < MIN_TABLE_BYTES || table.estimatedRows() <= 0) {
      return 0;
    }
    long bytesPerRow = Math.max(1, table.estimatedBytes() / table.estimatedRows());
    int top = (int) Math.min(Integer.MAX_VALUE, Math.max(100, SAMPLE_BYTES / bytesPerRow));
    RangeRead read = new RangeRead(table.name(), table.copiedColumns().stream().map(SourceColumn::name).toList(), null,
        null, null, null);
    long started = System.nanoTime();
    long bytes = 0;
    // A read cut short leaves rows on the wire: a pooled connection is then closed rather than lent again.
    LentConnection.of(source).bulkStarted();
    try (CopySource in = SqlServerCopySource.open(source, read,
        table.copiedColumns().stream().map(SourceColumn::type).toList(), top)) {
      for (byte[] block = in.read(); block != null; block = in.read()) {
        bytes += block.length;
      }
      LentConnection.of(source).bulkEnded();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("sample read of {} failed, its read rate is not measured: {}", table.name(), e.getMessage());
      return 0;
    }
    return bytes * 1e9 / Math.max(1, System.nanoTime() - started);
  }
}
