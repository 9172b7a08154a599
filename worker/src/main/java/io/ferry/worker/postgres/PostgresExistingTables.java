package io.ferry.worker.postgres;

import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what the modes that keep target tables need to know about one that already exists. */
final class PostgresExistingTables {

  private static final String COLUMNS = """
      SELECT a.attname, %s, NOT a.attnotnull OR a.atthasdef OR a.attidentity <> '', a.attgenerated <> '',
             (SELECT '"' || replace(n.nspname, '"', '""') || '"."' || replace(co.collname, '"', '""') || '"'
              FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
              WHERE co.oid = a.attcollation AND a.attcollation <> t.typcollation)
      FROM pg_attribute a %s
      WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""
      .formatted(PostgresTypes.PORTABLE_TYPE, PostgresTypes.ELEMENT_JOIN);

  /** Key columns (not INCLUDE ones) of valid unique indexes without expressions or predicate. */
  private static final String UNIQUE_KEYS = """
      SELECT ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)
      FROM pg_index i WHERE i.indrelid = ?::oid AND i.indisunique AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL""";

  private static final String FOREIGN_KEYS = "SELECT conname FROM pg_constraint WHERE conrelid = ?::oid AND contype = 'f' ORDER BY 1";

  /**
   * The database name, the server's port and the moment its postmaster started (microseconds): two
   * connections that agree on all three reach the same database, whatever host names their URLs used.
   * Every role may read them (unlike the system identifier).
   */
  private static final String IDENTITY = """
      SELECT current_database() || ' on port ' || current_setting('port') || ' of the server started at '
             || pg_postmaster_start_time()::text""";

  private PostgresExistingTables() {
  }

  static ExistingTable describe(Connection target, TableName table) throws SQLException {
    long oid = PostgresCatalog.oid(target, table);
    if (oid < 0) {
      return null;
    }
    Map<String, ExistingTable.Column> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = target.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(rs.getString(1), new ExistingTable.Column(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
              rs.getString(5)));
        }
      }
    }
    List<Set<String>> unique = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement(UNIQUE_KEYS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          unique.add(Set.copyOf(strings(rs.getArray(1))));
        }
      }
    }
    List<String> foreignKeys = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement(FOREIGN_KEYS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          foreignKeys.add(rs.getString(1));
        }
      }
    }
    return new ExistingTable(columns, unique, foreignKeys);
  }

  static String databaseIdentity(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(IDENTITY); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<String> strings(Array array) throws SQLException {
    return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }
}
