package io.ferry.worker.sqlserver;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Key values as text, for checkpoints and range bounds, and back as statement parameters. The text is
 * printed in Java from the typed value (not by {@code CONVERT} styles, which differ between servers) and
 * bound as {@code CAST(? AS <column type>)}, so every comparison is between two values of the column's
 * own type, in SQL Server's ordering and collation: a {@code datetime} bound compared as {@code datetime2}
 * could differ from the stored value in its last digit and repeat a row.
 */
final class SqlServerKeyText {

  private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");
  private static final DateTimeFormatter DATETIME2 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSxxx");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSS");

  private SqlServerKeyText() {
  }

  /** The key column's value in the current row as text, or null. */
  static String print(ResultSet rs, int i, String sqlServerType) throws SQLException {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "date" -> str(rs.getObject(i, LocalDate.class));
      case "time" -> format(rs.getObject(i, LocalTime.class), TIME);
      case "datetime", "smalldatetime" -> format(rs.getObject(i, LocalDateTime.class), DATETIME);
      case "datetime2" -> format(rs.getObject(i, LocalDateTime.class), DATETIME2);
      case "datetimeoffset" -> format(rs.getObject(i, OffsetDateTime.class), OFFSET);
      case "decimal", "numeric", "money", "smallmoney" -> {
        BigDecimal v = rs.getBigDecimal(i);
        yield v == null ? null : v.toPlainString();
      }
      case "float", "real" -> {
        double v = rs.getDouble(i);
        yield rs.wasNull() ? null : Double.toString(v);
      }
      case "binary", "varbinary", "timestamp", "rowversion" -> {
        byte[] v = rs.getBytes(i);
        yield v == null ? null : HexFormat.of().formatHex(v);
      }
      default -> rs.getString(i);
    };
  }

  /**
   * The parameter placeholder for a bound of this type. A target column's type may carry its identity clause
   * ({@code int IDENTITY(1, 1)}, as a SQL Server target's plan declares it), which no CAST takes.
   */
  static String placeholder(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "float", "real", "binary", "varbinary", "timestamp", "rowversion" -> "?";
      default -> "CAST(? AS " + SqlServerTargetTypes.bareType(sqlServerType) + ")";
    };
  }

  static void bind(PreparedStatement ps, int index, String text, String sqlServerType) throws SQLException {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    switch (t.name()) {
      case "float", "real" -> ps.setDouble(index, Double.parseDouble(text));
      case "binary", "varbinary", "timestamp", "rowversion" -> ps.setBytes(index, HexFormat.of().parseHex(text));
      case "nchar", "nvarchar", "ntext", "sysname" -> ps.setNString(index, text);
      default -> ps.setString(index, text);
    }
  }

  private static String str(Object v) {
    return v == null ? null : v.toString();
  }

  private static String format(java.time.temporal.TemporalAccessor v, DateTimeFormatter f) {
    return v == null ? null : f.format(v);
  }
}
