package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.pool.LentConnection;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A chunk's bulk write into a SQL Server table, inside the connection's open transaction. The copy unit
 * pushes binary COPY bytes; a loader thread pulls them through a bounded pipe ({@link SqlServerChunkPipe}),
 * decodes row after row ({@link SqlServerTuples}) and loads them: with {@code SQLServerBulkCopy}
 * ({@link SqlServerBulkLoad}), or on Babelfish, whose bulk load cannot be trusted (it stores temporal and GUID
 * values wrong and takes NULLs into NOT NULL columns) and for a table with a {@code sql_variant} column (the
 * bulk copy API cannot write its base types), by multi-row {@code INSERT}s ({@link SqlServerInsertBatches}). Only the loader thread uses the connection until the write ends or is
 * abandoned.
 */
final class SqlServerChunkWriter implements ChunkWriter {

  /** Loads the rows of one chunk; returns how many. */
  interface Loader {
    long load(SqlServerTuples rows) throws SQLException, IOException;
  }

  /** How long an abandoned write waits for its loader to let go of the connection. */
  private static final long ABANDON_WAIT_MILLIS = 30_000;

  private final Connection target;
  private final TableName table;
  private final SqlServerChunkPipe pipe = new SqlServerChunkPipe();
  private final Thread thread;
  private volatile boolean loading = true;
  private volatile Throwable failure;
  private volatile long rows;

  private SqlServerChunkWriter(Connection target, TableName table, List<SqlServerBulkColumn> columns, Loader loader) {
    this.target = target;
    this.table = table;
    this.thread = Thread.ofVirtual().name("ferry-bulk-" + table).start(() -> {
      try (SqlServerTuples tuples = new SqlServerTuples(pipe, columns)) {
        rows = loader.load(tuples);
      } catch (Throwable e) {
        failure = e;
      } finally {
        loading = false;
      }
    });
  }

  /**
   * Starts the write of {@code columns} (in stream order) into {@code table}.
   *
   * @param tableLock the load may lock the whole table: no other unit writes it with indexes to maintain
   */
  static ChunkWriter open(Connection target, TableName table, List<String> columns, boolean tableLock) throws SQLException {
    return load(target, table, columns(target, table, columns), tableLock);
  }

  /** Starts the write of {@code written} (described by {@link #columns}, perhaps of another table) into {@code table}. */
  static ChunkWriter load(Connection target, TableName table, List<SqlServerBulkColumn> written, boolean tableLock)
      throws SQLException {
    boolean statements = SqlServerServers.babelfish(target) || written.stream().anyMatch(SqlServerBulkColumn::variant);
    Loader loader = statements ? new SqlServerInsertBatches(target, table, written)
        : new SqlServerBulkLoad(target, table, written, tableLock);
    return start(target, table, written, loader);
  }

  /** Starts the write with the given loader. */
  static ChunkWriter start(Connection target, TableName table, List<SqlServerBulkColumn> written, Loader loader) {
    LentConnection.of(target).bulkStarted();
    return new SqlServerChunkWriter(target, table, written, loader);
  }

  /**
   * The written columns' types, nullability and identity, straight from {@code sys.columns}; read per chunk, so
   * kept to one table's rows (no identity values, which Babelfish computes over every table).
   */
  private static final String COLUMNS = """
      SELECT c.name, CASE WHEN ty.is_user_defined = 1 THEN TYPE_NAME(ty.system_type_id) ELSE ty.name END,
        c.max_length, c.precision, c.scale, c.is_nullable, c.collation_name, c.is_identity
      FROM sys.columns c JOIN sys.types ty ON ty.user_type_id = c.user_type_id
      WHERE c.object_id = OBJECT_ID(?)""";

  /** The written columns as the target's catalog describes them, in stream order. */
  static List<SqlServerBulkColumn> columns(Connection target, TableName table, List<String> columns) throws SQLException {
    Map<String, SqlServerColumn> byName = new HashMap<>();
    try (PreparedStatement ps = target.prepareStatement(COLUMNS)) {
      ps.setNString(1, SqlServerSql.table(table));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Long identity = rs.getBoolean(8) ? 1L : null;
          byName.put(rs.getString(1), new SqlServerColumn(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
              rs.getInt(5), rs.getBoolean(6), rs.getString(7), identity, identity, null, null, null));
        }
      }
    }
    if (byName.isEmpty()) {
      throw new SQLException("table " + table + " does not exist on the target", "42S02");
    }
    List<SqlServerBulkColumn> written = new ArrayList<>();
    for (String name : columns) {
      SqlServerColumn c = byName.get(name);
      if (c == null) {
        throw new SQLException("table " + table + " has no column " + name, "42S22");
      }
      written.add(SqlServerBulkColumn.of(c));
    }
    return written;
  }

  @Override
  public void write(byte[] data, int offset, int length) throws SQLException {
    failIfFailed();
    try {
      pipe.put(data, offset, length, () -> loading);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while writing to " + table, e);
    }
    failIfFailed();
  }

  @Override
  public long end() throws SQLException {
    try {
      pipe.close(() -> loading);
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new SQLException("interrupted while writing to " + table, e);
    }
    failIfFailed();
    LentConnection.of(target).bulkEnded();
    return rows;
  }

  @Override
  public void cancel() {
    pipe.abort();
    try {
      if (!thread.join(java.time.Duration.ofMillis(ABANDON_WAIT_MILLIS))) {
        target.abort(Runnable::run); // the loader is stuck on the connection: it must not be lent again
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException ignored) {
      // the transaction is rolled back (or the connection closed) next anyway
    }
  }

  private void failIfFailed() throws SQLException {
    Throwable e = failure;
    if (e == null) {
      return;
    }
    if (e instanceof SQLException sql) {
      throw sql;
    }
    throw new SQLException("writing to " + table + ": " + e.getMessage(), e);
  }
}
