package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tables and columns from SQL Server's {@code sys.*} catalog views. Types are joined by the ids of
 * the same database and named by {@code sys.types.name}, never compared with numeric type ids (those are
 * not portable: Babelfish has PostgreSQL's). Rows are grouped in Java rather than with {@code STRING_AGG},
 * so the queries work at every compatibility level.
 */
public final class SqlServerCatalog {

  /** Ferry's own schema in a SQL Server target; never a source table. */
  static final String FERRY_SCHEMA = "ferry";

  static final String TABLES = """
      SELECT s.name, t.name FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE t.is_ms_shipped = 0 AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', ?)
      ORDER BY s.name, t.name""";

  // IDENT_SEED/IDENT_INCR/IDENT_CURRENT rather than sys.identity_columns' values: the same values, and Babelfish
  // reports only the functions right (its view pairs every identity column with every table's last value);
  // the view's last_value only says whether a row was ever inserted.
  static final String COLUMNS = """
      SELECT c.name, CASE WHEN ty.is_user_defined = 1 THEN TYPE_NAME(ty.system_type_id) ELSE ty.name END,
        c.max_length, c.precision, c.scale, c.is_nullable, c.collation_name, c.is_identity,
        CAST(IDENT_SEED(QUOTENAME(s.name) + '.' + QUOTENAME(t.name)) AS decimal(38,0)),
        CAST(IDENT_INCR(QUOTENAME(s.name) + '.' + QUOTENAME(t.name)) AS decimal(38,0)),
        CASE WHEN EXISTS (SELECT 1 FROM sys.identity_columns ic WHERE ic.object_id = c.object_id
          AND ic.column_id = c.column_id AND ic.last_value IS NOT NULL)
          THEN CAST(IDENT_CURRENT(QUOTENAME(s.name) + '.' + QUOTENAME(t.name)) AS decimal(38,0)) END,
        cc.definition, dc.definition, c.is_computed, c.default_object_id, s.name, t.name
      FROM sys.columns c
      JOIN sys.tables t ON t.object_id = c.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      JOIN sys.types ty ON ty.user_type_id = c.user_type_id
      LEFT JOIN sys.computed_columns cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
      LEFT JOIN sys.default_constraints dc ON dc.object_id = c.default_object_id
      WHERE %s
      ORDER BY c.object_id, c.column_id""";

  private SqlServerCatalog() {
  }

  /** User tables, Ferry's own schema left out. */
  public static List<TableName> listTables(Connection source) throws SQLException {
    List<TableName> tables = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(TABLES)) {
      ps.setNString(1, FERRY_SCHEMA);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(new TableName(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return tables;
  }

  public static SourceTable describe(Connection source, TableName table, List<String> warnings) throws SQLException {
    List<SqlServerColumn> columns = columns(source, table, warnings);
    if (columns.isEmpty()) {
      throw new SQLException("table " + table + " does not exist or is not visible to this login");
    }
    List<SourceColumn> described = columns.stream().map(SqlServerColumn::toSourceColumn).toList();
    SqlServerIndexes indexes = SqlServerIndexes.read(source, table, warnings);
    SqlServerSize size = SqlServerSize.estimate(source, table, warnings);
    return new SourceTable(table, false, described, indexes.primaryKey(), indexes.indexes(),
        SqlServerConstraints.foreignKeys(source, table), size.rows(), size.bytes(), null, List.of(),
        SqlServerConstraints.checks(source, table, warnings));
  }

  /**
   * {@link #describe} of every table at once, one query per catalog view. A table the catalog names
   * differently than asked (or not at all) is left out: {@link #describe} says what it has.
   */
  public static Map<TableName, SourceDialect.Described> describeAll(Connection source, List<TableName> tables)
      throws SQLException {
    Map<TableName, List<String>> warnings = new HashMap<>();
    Map<TableName, List<SqlServerColumn>> columns = columns(source, tables, warnings);
    List<TableName> found = tables.stream().filter(columns::containsKey).toList();
    Map<TableName, SqlServerIndexes> indexes = SqlServerIndexes.read(source, found, warnings);
    Map<TableName, SqlServerSize> sizes = SqlServerSize.estimate(source, found, warnings);
    Map<TableName, List<SourceForeignKey>> foreignKeys = SqlServerConstraints.foreignKeys(source, found);
    Map<TableName, List<SourceCheck>> checks = SqlServerConstraints.checks(source, found, warnings);
    Map<TableName, SourceDialect.Described> described = new LinkedHashMap<>();
    for (TableName table : found) {
      SqlServerIndexes index = indexes.getOrDefault(table, SqlServerIndexes.NONE);
      SqlServerSize size = sizes.getOrDefault(table, SqlServerSize.NONE);
      described.put(table, new SourceDialect.Described(new SourceTable(table, false,
          columns.get(table).stream().map(SqlServerColumn::toSourceColumn).toList(), index.primaryKey(), index.indexes(),
          foreignKeys.getOrDefault(table, List.of()), size.rows(), size.bytes(), null, List.of(),
          checks.getOrDefault(table, List.of())), warnings.get(table)));
    }
    return described;
  }

  /** The table's columns in column order; empty when the table does not exist. */
  static List<SqlServerColumn> columns(Connection source, TableName table) throws SQLException {
    return columns(source, table, new ArrayList<>());
  }

  /**
   * As {@link #columns(Connection, TableName)}, naming in {@code warnings} each computed column or default
   * whose definition the login may not read (the catalog shows it as NULL without {@code VIEW DEFINITION}).
   */
  static List<SqlServerColumn> columns(Connection source, TableName table, List<String> warnings) throws SQLException {
    List<SqlServerColumn> columns = new ArrayList<>();
    SqlServerTableFilter filter = SqlServerTableFilter.of(table);
    try (PreparedStatement ps = source.prepareStatement(COLUMNS.formatted(filter.sql()))) {
      filter.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(column(rs, table, warnings));
        }
      }
    }
    return columns;
  }

  /** The columns of each of {@code tables} that exists, by the names the catalog gives it. */
  private static Map<TableName, List<SqlServerColumn>> columns(Connection source, List<TableName> tables,
      Map<TableName, List<String>> warnings) throws SQLException {
    Map<TableName, List<SqlServerColumn>> columns = new HashMap<>();
    for (SqlServerTableFilter filter : SqlServerTableFilter.of(tables)) {
      try (PreparedStatement ps = source.prepareStatement(COLUMNS.formatted(filter.sql()))) {
        filter.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            TableName table = SqlServerTableFilter.tableAt(rs, 16);
            columns.computeIfAbsent(table, t -> new ArrayList<>())
                .add(column(rs, table, warnings.computeIfAbsent(table, t -> new ArrayList<>())));
          }
        }
      }
    }
    return columns;
  }

  /**
   * One row of {@link #COLUMNS}, naming in {@code warnings} a computed column or default whose definition the
   * login may not read (the catalog shows it as NULL without {@code VIEW DEFINITION}).
   */
  private static SqlServerColumn column(ResultSet rs, TableName table, List<String> warnings) throws SQLException {
    SqlServerColumn column = column(rs);
    if (rs.getBoolean(14) && column.computed() == null) {
      warnings.add(unreadable(table, "the definition of computed column " + column.name(), "it is copied as a plain column"));
    }
    if (rs.getInt(15) != 0 && column.defaultExpr() == null && !"timestamp".equals(column.typeName())) {
      warnings.add(unreadable(table, "the default of column " + column.name(), "the target column has none"));
    }
    return column;
  }

  private static SqlServerColumn column(ResultSet rs) throws SQLException {
    String type = rs.getString(2);
    boolean identity = rs.getBoolean(8);
    Long seed = identity ? longOf(rs.getBigDecimal(9)) : null;
    Long increment = identity ? longOf(rs.getBigDecimal(10)) : null;
    Long next = null;
    if (identity && seed != null && increment != null) {
      BigDecimal last = rs.getBigDecimal(11);
      next = last == null ? seed : longOf(last.add(BigDecimal.valueOf(increment)));
    }
    // A rowversion's value comes from the server, never from a default (Babelfish shows one that emulates it).
    String defaultExpr = "timestamp".equals(type) ? null : rs.getString(13);
    return new SqlServerColumn(rs.getString(1), type, rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getBoolean(6),
        rs.getString(7), seed, increment, next, rs.getString(12), defaultExpr);
  }

  /** A plan warning for catalog text the login may not read. */
  static String unreadable(TableName table, String what, String consequence) {
    return "table " + table + ": " + what + " is not readable (needs VIEW DEFINITION): " + consequence;
  }

  /** Identity values beyond a long (decimal(38,0) identities) are left unknown rather than wrapped. */
  private static Long longOf(BigDecimal value) {
    if (value == null) {
      return null;
    }
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }
}
