package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what the modes that keep target tables need to know about one that already exists. */
final class SqlServerExistingTables {

  /**
   * The database's name on its server and when it was created: two connections that agree reach the same
   * database, whatever host names their URLs used.
   */
  private static final String IDENTITY = """
      SELECT DB_NAME() + N' on ' + @@SERVERNAME + N' created ' + CONVERT(nvarchar(30), create_date, 126)
      FROM sys.databases WHERE database_id = DB_ID()""";

  private SqlServerExistingTables() {
  }

  static boolean exists(Connection target, TableName table) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement("SELECT OBJECT_ID(?, N'U')")) {
      ps.setNString(1, SqlServerSql.table(table));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getObject(1) != null;
      }
    }
  }

  static boolean hasRows(Connection target, TableName table) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement("SELECT CASE WHEN EXISTS (SELECT 1 FROM "
        + SqlServerSql.table(table) + ") THEN 1 ELSE 0 END"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  static ExistingTable describe(Connection target, TableName table) throws SQLException {
    List<SqlServerColumn> catalog = SqlServerCatalog.columns(target, table);
    if (catalog.isEmpty()) {
      return null;
    }
    Map<String, ExistingTable.Column> columns = new LinkedHashMap<>();
    for (SqlServerColumn c : catalog) {
      boolean generated = c.computed() != null;
      boolean fillable = c.nullable() || c.defaultExpr() != null || c.identitySeed() != null || generated
          || c.typeName().equals("timestamp");
      columns.put(c.name(), new ExistingTable.Column(c.sqlType(), fillable, generated, c.collation()));
    }
    SqlServerIndexes indexes = SqlServerIndexes.read(target, table, new ArrayList<>());
    List<Set<String>> unique = new ArrayList<>();
    if (!indexes.primaryKey().isEmpty()) {
      unique.add(Set.copyOf(indexes.primaryKey()));
    }
    for (SourceIndex index : indexes.indexes()) {
      if (index.unique() && index.predicate() == null) {
        Set<String> keys = new LinkedHashSet<>();
        index.keys().forEach(k -> keys.add(k.column()));
        unique.add(Set.copyOf(keys));
      }
    }
    List<String> foreignKeys = SqlServerConstraints.foreignKeys(target, table).stream().map(SourceForeignKey::name).toList();
    return new ExistingTable(columns, unique, foreignKeys);
  }

  static String databaseIdentity(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(IDENTITY); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
