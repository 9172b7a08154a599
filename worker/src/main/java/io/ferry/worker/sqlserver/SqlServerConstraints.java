package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A table's foreign keys and CHECK constraints, their expressions in T-SQL as the catalog prints them. */
final class SqlServerConstraints {

  static final String FOREIGN_KEYS = """
      SELECT fk.name, pc.name, rs.name, rt.name, rc.name,
        fk.delete_referential_action_desc, fk.update_referential_action_desc
      FROM sys.foreign_keys fk
      JOIN sys.tables t ON t.object_id = fk.parent_object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
      JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
      JOIN sys.tables rt ON rt.object_id = fkc.referenced_object_id
      JOIN sys.schemas rs ON rs.schema_id = rt.schema_id
      JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
      WHERE s.name = ? AND t.name = ?
      ORDER BY fk.name, fkc.constraint_column_id""";

  static final String CHECKS = """
      SELECT cc.name, cc.definition FROM sys.check_constraints cc
      JOIN sys.tables t ON t.object_id = cc.parent_object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE s.name = ? AND t.name = ? ORDER BY cc.name""";

  private SqlServerConstraints() {
  }

  static List<SourceForeignKey> foreignKeys(Connection source, TableName table) throws SQLException {
    Map<String, List<String[]>> rows = new LinkedHashMap<>();
    try (PreparedStatement ps = prepare(source, FOREIGN_KEYS, table); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.computeIfAbsent(rs.getString(1), n -> new ArrayList<>()).add(new String[] {
            rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)});
      }
    }
    List<SourceForeignKey> keys = new ArrayList<>();
    rows.forEach((name, cols) -> {
      String[] first = cols.get(0);
      keys.add(new SourceForeignKey(name, cols.stream().map(c -> c[0]).toList(), new TableName(first[1], first[2]),
          cols.stream().map(c -> c[3]).toList(), action(first[4]), action(first[5]), ""));
    });
    return keys;
  }

  /** The CHECK constraints; one whose definition the login may not read is named in {@code warnings}. */
  static List<SourceCheck> checks(Connection source, TableName table, List<String> warnings) throws SQLException {
    List<SourceCheck> checks = new ArrayList<>();
    try (PreparedStatement ps = prepare(source, CHECKS, table); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getString(2) == null) {
          warnings.add(SqlServerCatalog.unreadable(table, "CHECK constraint " + rs.getString(1), "it is not carried"));
        } else {
          checks.add(new SourceCheck(rs.getString(1), "CHECK " + rs.getString(2)));
        }
      }
    }
    return checks;
  }

  /** {@code NO_ACTION} → {@code NO ACTION}: the catalog's description as SQL. */
  private static String action(String desc) {
    return desc.replace('_', ' ');
  }

  private static PreparedStatement prepare(Connection source, String sql, TableName table) throws SQLException {
    PreparedStatement ps = source.prepareStatement(sql);
    ps.setNString(1, table.schema());
    ps.setNString(2, table.name());
    return ps;
  }
}
