package io.ferry.worker.sqlserver;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads a SQL Server source: the {@code sys.*} catalog, split keys and points in the server's own order,
 * and rows encoded into PostgreSQL binary COPY, each unit's read under {@code SNAPSHOT} isolation where
 * the database allows it (see {@code docs/sqlserver.md}).
 */
public final class SqlServerSource implements SourceDialect {

  @Override
  public String engine() {
    return "sqlserver";
  }

  @Override
  public Connection connect(Endpoint connection) throws SQLException {
    return SqlServerConnections.open(connection);
  }

  @Override
  public List<TableName> listTables(Connection source) throws SQLException {
    return SqlServerCatalog.listTables(source);
  }

  @Override
  public SourceTable describe(Connection source, TableName table, List<String> warnings) throws SQLException {
    return SqlServerCatalog.describe(source, table, warnings);
  }

  /** The key (see {@link SqlServerKeys}); a database without snapshot isolation is named in the warnings here. */
  @Override
  public SplitKey splitKey(Connection source, SourceTable table, List<String> warnings) throws SQLException {
    String isolation = SqlServerIsolation.warning(source);
    if (isolation != null) {
      warnings.add("table " + table.name() + ": " + isolation);
    }
    return SqlServerKeys.choose(table, warnings);
  }

  @Override
  public KeySample sampleKey(Connection source, SourceTable table, SplitKey key, int points, int minPoints)
      throws SQLException {
    return SqlServerKeySample.sample(source, table, key, points, minPoints);
  }

  @Override
  public TypeMapping mapTypes(Connection source, SourceTable table, TargetSpec target) {
    return SqlServerTypes.map(table, target.schema(), target.mapsCollations());
  }

  @Override
  public double sampleReadRate(Connection source, SourceTable table) {
    return SqlServerReadSample.measure(source, table);
  }

  /**
   * Only binary: every SQL Server column is encoded into its PostgreSQL type's binary form
   * ({@link SqlServerTypes} asks for no text handling), so no plan of a SQL Server table names text COPY.
   */
  @Override
  public CopySource openCopy(Connection source, RangeRead read, CopyFormat format) throws SQLException {
    if (format == CopyFormat.TEXT) {
      throw new IllegalArgumentException("a SQL Server source reads binary COPY only: every type it maps travels"
          + " binary, so a plan asking " + read.table() + " for text COPY was not made for this source");
    }
    return openCopy(source, read);
  }

  @Override
  public CopySource openCopy(Connection source, RangeRead read) throws SQLException {
    SqlServerIsolation.apply(source);
    // A read cut short leaves rows on the wire: the pool closes such a connection rather than lend it again.
    LentConnection.of(source).bulkStarted();
    CopySource in = SqlServerCopySource.open(source, read);
    return new CopySource() {
      @Override
      public byte[] read() throws SQLException {
        byte[] block = in.read();
        if (block == null) {
          LentConnection.of(source).bulkEnded();
        }
        return block;
      }

      @Override
      public void cancel() {
        in.cancel();
      }

      @Override
      public void close() {
        in.close();
      }
    };
  }

  @Override
  public CopySource openFirstRow(Connection source, RangeRead read) throws SQLException {
    SqlServerIsolation.apply(source);
    return SqlServerTextRow.open(source, read, SqlServerCopySource.columnTypes(source, read));
  }
}
