package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A table's foreign keys and CHECK constraints, their expressions in T-SQL as the catalog prints them. */
final class SqlServerConstraints {

  static final String FOREIGN_KEYS = """
      SELECT fk.name, pc.name, rs.name, rt.name, rc.name,
        fk.delete_referential_action_desc, fk.update_referential_action_desc, s.name, t.name
      FROM sys.foreign_keys fk
      JOIN sys.tables t ON t.object_id = fk.parent_object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
      JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
      JOIN sys.tables rt ON rt.object_id = fkc.referenced_object_id
      JOIN sys.schemas rs ON rs.schema_id = rt.schema_id
      JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
      WHERE %s
      ORDER BY fk.parent_object_id, fk.name, fkc.constraint_column_id""";

  static final String CHECKS = """
      SELECT cc.name, cc.definition, s.name, t.name FROM sys.check_constraints cc
      JOIN sys.tables t ON t.object_id = cc.parent_object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE %s ORDER BY cc.parent_object_id, cc.name""";

  private SqlServerConstraints() {
  }

  static List<SourceForeignKey> foreignKeys(Connection source, TableName table) throws SQLException {
    return foreignKeys(source, SqlServerTableFilter.of(table)).values().stream().flatMap(List::stream).toList();
  }

  /** The foreign keys of each of {@code tables} that has any, by the names the catalog gives it. */
  static Map<TableName, List<SourceForeignKey>> foreignKeys(Connection source, List<TableName> tables) throws SQLException {
    Map<TableName, List<SourceForeignKey>> keys = new HashMap<>();
    for (SqlServerTableFilter filter : SqlServerTableFilter.of(tables)) {
      keys.putAll(foreignKeys(source, filter));
    }
    return keys;
  }

  private static Map<TableName, List<SourceForeignKey>> foreignKeys(Connection source, SqlServerTableFilter filter)
      throws SQLException {
    Map<TableName, Map<String, List<String[]>>> rows = new LinkedHashMap<>();
    try (PreparedStatement ps = prepare(source, FOREIGN_KEYS, filter); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.computeIfAbsent(SqlServerTableFilter.tableAt(rs, 8), t -> new LinkedHashMap<>()).computeIfAbsent(rs.getString(1), n -> new ArrayList<>())
            .add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7)});
      }
    }
    Map<TableName, List<SourceForeignKey>> keys = new HashMap<>();
    rows.forEach((table, byName) -> {
      List<SourceForeignKey> list = new ArrayList<>();
      byName.forEach((name, cols) -> {
        String[] first = cols.get(0);
        list.add(new SourceForeignKey(name, cols.stream().map(c -> c[0]).toList(), new TableName(first[1], first[2]),
            cols.stream().map(c -> c[3]).toList(), action(first[4]), action(first[5]), ""));
      });
      keys.put(table, list);
    });
    return keys;
  }

  /** The CHECK constraints; one whose definition the login may not read is named in {@code warnings}. */
  static List<SourceCheck> checks(Connection source, TableName table, List<String> warnings) throws SQLException {
    List<SourceCheck> checks = new ArrayList<>();
    try (PreparedStatement ps = prepare(source, CHECKS, SqlServerTableFilter.of(table)); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        add(checks, rs, table, warnings);
      }
    }
    return checks;
  }

  /** The CHECK constraints of each of {@code tables} that has any, by the names the catalog gives it. */
  static Map<TableName, List<SourceCheck>> checks(Connection source, List<TableName> tables,
      Map<TableName, List<String>> warnings) throws SQLException {
    Map<TableName, List<SourceCheck>> checks = new HashMap<>();
    for (SqlServerTableFilter filter : SqlServerTableFilter.of(tables)) {
      try (PreparedStatement ps = prepare(source, CHECKS, filter); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableName table = SqlServerTableFilter.tableAt(rs, 3);
          add(checks.computeIfAbsent(table, t -> new ArrayList<>()), rs, table,
              warnings.computeIfAbsent(table, t -> new ArrayList<>()));
        }
      }
    }
    return checks;
  }

  /** One row of {@link #CHECKS}; a definition the login may not read is a warning, never {@code CHECK null}. */
  private static void add(List<SourceCheck> checks, ResultSet rs, TableName table, List<String> warnings)
      throws SQLException {
    if (rs.getString(2) == null) {
      warnings.add(SqlServerCatalog.unreadable(table, "CHECK constraint " + rs.getString(1), "it is not carried"));
    } else {
      checks.add(new SourceCheck(rs.getString(1), "CHECK " + rs.getString(2)));
    }
  }

  /** {@code NO_ACTION} → {@code NO ACTION}: the catalog's description as SQL. */
  private static String action(String desc) {
    return desc.replace('_', ' ');
  }

  private static PreparedStatement prepare(Connection source, String sql, SqlServerTableFilter filter) throws SQLException {
    PreparedStatement ps = source.prepareStatement(sql.formatted(filter.sql()));
    filter.bind(ps, 1);
    return ps;
  }
}
