package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.ForeignKey;
import io.ferry.worker.dialect.OrphanSql;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The foreign keys among a job's target tables, and the statement that finds their orphans. The tables are
 * found by {@code OBJECT_ID} of their quoted names, so a name matches as the database's collation compares
 * names; each key is named by the tables as the job gave them.
 */
final class SqlServerForeignKeys {

  private static final String KEYS = """
      SELECT fk.name, ct.i, pt.i, pc.name, rc.name
      FROM sys.foreign_keys fk
      JOIN (VALUES %1$s) ct(i, id) ON ct.id = fk.parent_object_id
      JOIN (VALUES %1$s) pt(i, id) ON pt.id = fk.referenced_object_id
      JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
      JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
      JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
      ORDER BY ct.i, fk.name, fkc.constraint_column_id""";

  /** Primary keys by {@code is_primary_key}: a primary key need not be clustered (see {@link SqlServerIndexes}). */
  private static final String PRIMARY_KEYS = """
      SELECT ct.i, c.name
      FROM (VALUES %1$s) ct(i, id)
      JOIN sys.indexes ix ON ix.object_id = ct.id AND ix.is_primary_key = 1
      JOIN sys.index_columns ic ON ic.object_id = ix.object_id AND ic.index_id = ix.index_id AND ic.key_ordinal > 0
      JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
      ORDER BY ct.i, ic.key_ordinal""";

  private SqlServerForeignKeys() {
  }

  static List<ForeignKey> among(Connection target, List<TableName> tables) throws SQLException {
    List<ForeignKey> keys = new ArrayList<>();
    if (tables.isEmpty()) {
      return keys;
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      values.add("(" + (i + 1) + ", OBJECT_ID(" + SqlServerDdl.literal(SqlServerSql.table(tables.get(i))) + ", N'U'))");
    }
    String list = String.join(", ", values);
    Map<Integer, List<String>> primaryKeys = new HashMap<>();
    Map<String, List<String[]>> byKey = new LinkedHashMap<>();
    try (Statement st = target.createStatement()) {
      try (ResultSet rs = st.executeQuery(PRIMARY_KEYS.formatted(list))) {
        while (rs.next()) {
          primaryKeys.computeIfAbsent(rs.getInt(1), i -> new ArrayList<>()).add(rs.getString(2));
        }
      }
      try (ResultSet rs = st.executeQuery(KEYS.formatted(list))) {
        while (rs.next()) {
          byKey.computeIfAbsent(rs.getInt(2) + "\n" + rs.getString(1), k -> new ArrayList<>())
              .add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
        }
      }
    }
    for (List<String[]> columns : byKey.values()) {
      String[] first = columns.get(0);
      int child = Integer.parseInt(first[1]);
      keys.add(new ForeignKey(first[0], tables.get(child - 1), columns.stream().map(c -> c[3]).toList(),
          tables.get(Integer.parseInt(first[2]) - 1), columns.stream().map(c -> c[4]).toList(),
          primaryKeys.getOrDefault(child, List.of())));
    }
    return keys;
  }

  static String orphansSql(ForeignKey fk, String tenantColumn, int maxKeys) {
    return OrphanSql.build(fk, tenantColumn, maxKeys, SqlServerSql::ident, SqlServerSql::table, "COUNT_BIG(*)");
  }
}
