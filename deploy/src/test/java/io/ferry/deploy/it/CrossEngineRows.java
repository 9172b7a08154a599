package io.ferry.deploy.it;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A SQL Server table's rows and a PostgreSQL table's rows of one tenant, as multisets of canonical rows:
 * each value read as the Java type the documented type mapping preserves (an instant for
 * {@code datetimeoffset}, a decimal without trailing zeros for exact numbers, a digest for binaries), so
 * equal multisets mean every row arrived exactly once with every value as the mapping promises. Order-free,
 * since a case-insensitive key sorts differently on the two engines.
 */
final class CrossEngineRows {

  private CrossEngineRows() {
  }

  /** The rows of {@code source} (schema.table) with the columns the job copies (computed ones left out). */
  static Map<String, Integer> source(Connection source, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    List<String> types = sourceTypes(source, table, columns);
    return read(source, "SELECT " + String.join(", ", columns) + " FROM " + table, types);
  }

  /**
   * The rows of {@code target} whose tenant column is {@code tenant}, with the same columns as the source read,
   * canonicalised by the source's types.
   */
  static Map<String, Integer> target(Connection target, String table, String tenantColumn, String tenant,
      Connection source, String sourceTable) throws SQLException {
    List<String> columns = new ArrayList<>();
    List<String> types = sourceTypes(source, sourceTable, columns);
    try (PreparedStatement ps = target.prepareStatement("SELECT " + String.join(", ", columns) + " FROM " + table
        + " WHERE " + tenantColumn + " = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return collect(rs, types);
      }
    }
  }

  private static List<String> sourceTypes(Connection source, String table, List<String> columns) throws SQLException {
    List<String> types = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement("""
        SELECT c.name, t.name FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
        WHERE c.object_id = OBJECT_ID(?) AND c.is_computed = 0 ORDER BY c.column_id""")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1).toLowerCase(Locale.ROOT));
          types.add(rs.getString(2).toLowerCase(Locale.ROOT));
        }
      }
    }
    return types;
  }

  private static Map<String, Integer> read(Connection c, String sql, List<String> types) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return collect(rs, types);
    }
  }

  private static Map<String, Integer> collect(ResultSet rs, List<String> types) throws SQLException {
    Map<String, Integer> rows = new HashMap<>();
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < types.size(); i++) {
        row.append(i == 0 ? "" : " | ").append(value(rs, i + 1, types.get(i)));
      }
      rows.merge(row.toString(), 1, Integer::sum);
    }
    return rows;
  }

  private static String value(ResultSet rs, int i, String sqlServerType) throws SQLException {
    Object v = switch (sqlServerType) {
      case "tinyint", "smallint", "int", "bigint", "decimal", "numeric", "money", "smallmoney" -> plain(rs.getBigDecimal(i));
      case "float" -> rs.getDouble(i);
      case "real" -> rs.getFloat(i);
      case "bit" -> rs.getBoolean(i);
      case "date" -> rs.getObject(i, LocalDate.class);
      case "time" -> rs.getObject(i, LocalTime.class);
      case "datetime", "smalldatetime", "datetime2" -> rs.getObject(i, LocalDateTime.class);
      case "datetimeoffset" -> instant(rs.getObject(i, OffsetDateTime.class));
      case "uniqueidentifier" -> lower(rs.getString(i));
      case "binary", "varbinary", "image", "timestamp" -> digest(rs.getBytes(i));
      default -> rs.getString(i);
    };
    return rs.wasNull() ? "NULL" : String.valueOf(v);
  }

  private static String plain(BigDecimal d) {
    return d == null ? null : d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }

  private static Object instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static String digest(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return bytes.length + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A readable account of the rows one side has and the other lacks (at most a few of each). */
  static String difference(Map<String, Integer> expected, Map<String, Integer> actual) {
    List<String> lines = new ArrayList<>();
    expected.forEach((row, n) -> {
      if (!n.equals(actual.getOrDefault(row, 0)) && lines.size() < 5) {
        lines.add("source ×" + n + " target ×" + actual.getOrDefault(row, 0) + ": " + shorten(row));
      }
    });
    actual.forEach((row, n) -> {
      if (!expected.containsKey(row) && lines.size() < 10) {
        lines.add("target only ×" + n + ": " + shorten(row));
      }
    });
    return String.join("\n", lines);
  }

  private static String shorten(String row) {
    byte[] utf8 = row.getBytes(StandardCharsets.UTF_8);
    return utf8.length > 400 ? row.substring(0, 400) + "…" : row;
  }
}
