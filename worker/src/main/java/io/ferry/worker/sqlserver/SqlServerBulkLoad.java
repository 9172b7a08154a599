package io.ferry.worker.sqlserver;

import com.microsoft.sqlserver.jdbc.ISQLServerBulkData;
import com.microsoft.sqlserver.jdbc.ISQLServerConnection;
import com.microsoft.sqlserver.jdbc.SQLServerBulkCopy;
import com.microsoft.sqlserver.jdbc.SQLServerBulkCopyOptions;
import io.ferry.worker.dialect.TableName;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads a chunk with {@code SQLServerBulkCopy} (TDS bulk load) inside the connection's transaction: no
 * internal transaction and one batch for the whole chunk (its rows commit with its checkpoint), identity
 * values kept as the source had them, NULLs kept rather than replaced by defaults, and the table locked
 * where no other unit maintains its indexes meanwhile (a heap takes concurrent bulk loads under that lock).
 */
final class SqlServerBulkLoad implements SqlServerChunkWriter.Loader {

  private final Connection target;
  private final TableName table;
  private final List<SqlServerBulkColumn> columns;
  private final boolean tableLock;

  SqlServerBulkLoad(Connection target, TableName table, List<SqlServerBulkColumn> columns, boolean tableLock) {
    this.target = target;
    this.table = table;
    this.columns = columns;
    this.tableLock = tableLock;
  }

  /**
   * A bulk load ignores CHECK and FOREIGN KEY constraints unless told otherwise, and marks them not trusted
   * after it (Microsoft: "Controlling constraint checking by bulk import operations"): the modes that keep a
   * table keep its constraints, and a row that breaks one must fail its chunk as an INSERT would.
   */
  static SQLServerBulkCopyOptions options(boolean tableLock) throws SQLException {
    SQLServerBulkCopyOptions options = new SQLServerBulkCopyOptions();
    options.setCheckConstraints(true);
    options.setKeepIdentity(true);
    options.setKeepNulls(true);
    options.setTableLock(tableLock);
    options.setBatchSize(0);
    options.setUseInternalTransaction(false);
    options.setBulkCopyTimeout(0);
    return options;
  }

  @Override
  public long load(SqlServerTuples rows) throws SQLException, IOException {
    Rows data = new Rows(rows);
    try (SQLServerBulkCopy copy = new SQLServerBulkCopy(target.unwrap(ISQLServerConnection.class))) {
      copy.setBulkCopyOptions(options(tableLock));
      copy.setDestinationTableName(SqlServerSql.table(table));
      for (int c = 0; c < columns.size(); c++) {
        copy.addColumnMapping(c + 1, columns.get(c).name());
      }
      copy.writeToServer(data);
    } catch (SQLException e) {
      if (data.failure != null) {
        throw data.failure; // the stream broke, not the server
      }
      throw e;
    }
    return rows.rows();
  }

  /** The decoded rows as the bulk copy API pulls them. */
  private final class Rows implements ISQLServerBulkData {
    private final SqlServerTuples tuples;
    private Object[] row;
    IOException failure;

    Rows(SqlServerTuples tuples) {
      this.tuples = tuples;
    }

    @Override
    public Set<Integer> getColumnOrdinals() {
      Set<Integer> ordinals = new LinkedHashSet<>();
      for (int c = 1; c <= columns.size(); c++) {
        ordinals.add(c);
      }
      return ordinals;
    }

    @Override
    public String getColumnName(int column) {
      return columns.get(column - 1).name();
    }

    @Override
    public int getColumnType(int column) {
      return columns.get(column - 1).jdbcType();
    }

    @Override
    public int getPrecision(int column) {
      return columns.get(column - 1).precision();
    }

    @Override
    public int getScale(int column) {
      return columns.get(column - 1).scale();
    }

    @Override
    public Object[] getRowData() {
      return row;
    }

    @Override
    public boolean next() throws SQLException {
      try {
        row = tuples.next();
      } catch (IOException e) {
        failure = e;
        throw new SQLException("reading the rows for " + table + ": " + e.getMessage(), e);
      }
      return row != null;
    }
  }
}
