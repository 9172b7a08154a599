package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The tables one catalog query reads at once: {@code (s.name = ? AND t.name = ?) OR …}, so a job's survey
 * asks each catalog view once for all its tables rather than once per table (each query over the
 * {@code sys.*} views costs tens to hundreds of milliseconds on some servers, whatever its rows).
 */
final class SqlServerTableFilter {

  /** Tables per query: two parameters each, well under SQL Server's 2,100 parameters a statement. */
  static final int MAX_TABLES = 500;

  private final List<TableName> tables;

  private SqlServerTableFilter(List<TableName> tables) {
    this.tables = tables;
  }

  /** {@code tables} in batches of at most {@link #MAX_TABLES}. */
  static List<SqlServerTableFilter> of(List<TableName> tables) {
    List<SqlServerTableFilter> batches = new ArrayList<>();
    for (int from = 0; from < tables.size(); from += MAX_TABLES) {
      batches.add(new SqlServerTableFilter(tables.subList(from, Math.min(tables.size(), from + MAX_TABLES))));
    }
    return batches;
  }

  static SqlServerTableFilter of(TableName table) {
    return new SqlServerTableFilter(List.of(table));
  }

  /** The condition on the schema name {@code s.name} and the table name {@code t.name}. */
  String sql() {
    return "(" + String.join(" OR ", Collections.nCopies(tables.size(), "(s.name = ? AND t.name = ?)")) + ")";
  }

  /** Binds the names from parameter {@code first} on; returns the next parameter's index. */
  int bind(PreparedStatement ps, int first) throws SQLException {
    int p = first;
    for (TableName table : tables) {
      ps.setNString(p++, table.schema());
      ps.setNString(p++, table.name());
    }
    return p;
  }

  /** The table of a result row whose schema and table names are at {@code schemaColumn} and the next column. */
  static TableName tableAt(ResultSet rs, int schemaColumn) throws SQLException {
    return new TableName(rs.getString(schemaColumn), rs.getString(schemaColumn + 1));
  }
}
