package io.ferry.worker.sqlserver;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

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

  /** SQL Server names are usually PascalCase, which PostgreSQL users would have to quote forever: snake_case. */
  @Override
  public IdentifierStyle defaultIdentifiers() {
    return IdentifierStyle.SNAKE_CASE;
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

  /** One query per catalog view for all the tables: each costs about as much for many tables as for one. */
  @Override
  public Map<TableName, Described> describeAll(Connection source, List<TableName> tables) throws SQLException {
    return SqlServerCatalog.describeAll(source, tables);
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

  /** To PostgreSQL by {@link SqlServerTypes}; to SQL Server every type as it is ({@link SqlServerTargetTypes}). */
  @Override
  public TypeMapping mapTypes(Connection source, SourceTable table, TargetSpec target) throws SQLException {
    String targetEngine = target.endpoint().engine();
    return switch (targetEngine) {
      case "postgresql" -> SqlServerTypes.map(table, target.schema(), target.mapsCollations());
      case SqlServerTarget.ENGINE -> SqlServerTargetTypes.map(table, SqlServerCatalog.columns(source, table.name()));
      default -> throw new IllegalArgumentException("a SQL Server source cannot be copied to a " + targetEngine + " target");
    };
  }

  /** On a PostgreSQL target, T-SQL expressions are translated (see {@link SqlServerExpressions}). */
  @Override
  public SourceTable forTarget(SourceTable table, TargetSpec target, List<String> warnings) {
    return "postgresql".equals(target.endpoint().engine()) ? SqlServerExpressions.forPostgres(table, warnings) : table;
  }

  /**
   * Text compares by its collation, and always without trailing spaces (SQL Server pads the shorter side):
   * see {@link SqlServerCollations#keyText}.
   */
  @Override
  public KeyText keyText(SourceColumn column) {
    return SqlServerTypes.isText(column.type()) ? SqlServerCollations.keyText(column.collation()) : KeyText.EXACT;
  }

  @Override
  public double sampleReadRate(Connection source, SourceTable table) {
    return SqlServerReadSample.measure(source, table);
  }

  /**
   * Binary, every SQL Server column encoded into its PostgreSQL type's binary form, or for a SQL Server target
   * into its exact form ({@link SqlServerWire}); text for a table with a column whose target type the job
   * overrides ({@code target.columnTypes}), which the target parses.
   */
  @Override
  public CopySource openCopy(Connection source, RangeRead read, CopyFormat format) throws SQLException {
    SqlServerIsolation.apply(source);
    // A read cut short leaves rows on the wire: the pool closes such a connection rather than lend it again.
    LentConnection.of(source).bulkStarted();
    CopySource in = format == CopyFormat.TEXT
        ? SqlServerTextCopySource.open(source, read, SqlServerCopySource.columnTypes(source, read), 0)
        : SqlServerCopySource.open(source, read);
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
  public CopySource openCopy(Connection source, RangeRead read) throws SQLException {
    return openCopy(source, read, CopyFormat.BINARY);
  }

  @Override
  public CopySource openFirstRow(Connection source, RangeRead read) throws SQLException {
    SqlServerIsolation.apply(source);
    return SqlServerTextRow.open(source, read, SqlServerCopySource.columnTypes(source, read));
  }
}
