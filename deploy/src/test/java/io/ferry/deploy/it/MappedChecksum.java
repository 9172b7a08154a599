package io.ferry.deploy.it;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Row count and an order-independent checksum of a table on two engines at once, through the type
 * mapping: each value is read with the getter its <em>target</em> column's type calls for (a
 * SQL Server {@code datetimeoffset} and a PostgreSQL {@code timestamptz} both as an instant, a
 * {@code decimal(4,2)} and a {@code numeric(4,2)} both as a number, a {@code bit} and a {@code boolean}
 * both as a boolean) and printed the same way on both sides; the checksum is the sum of a 64-bit hash of
 * each row's printed values. Rows stream through; nothing but the running sum is kept. The SQL Server
 * cluster tests check the target with it, apart from the verify units' own canonical values.
 */
public final class MappedChecksum {

  public record Result(long rows, long checksum) {
  }

  /** How one column's values are read and printed on both sides. */
  public enum Reading {
    INTEGER, NUMBER, DATE, TIMESTAMP, INSTANT, BOOLEAN, BYTES, UUID, TEXT;

    /** The reading a target (PostgreSQL) column's type calls for. */
    static Reading of(int jdbcType, String typeName) {
      String name = typeName.toLowerCase(Locale.ROOT);
      if (name.equals("timestamptz")) {
        return INSTANT;
      }
      if (name.equals("uuid")) {
        return UUID;
      }
      return switch (jdbcType) {
        case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> INTEGER;
        case Types.NUMERIC, Types.DECIMAL, Types.DOUBLE, Types.REAL, Types.FLOAT -> NUMBER;
        case Types.DATE -> DATE;
        case Types.TIMESTAMP -> TIMESTAMP;
        case Types.TIMESTAMP_WITH_TIMEZONE -> INSTANT;
        case Types.BIT, Types.BOOLEAN -> BOOLEAN;
        case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BYTES;
        default -> TEXT;
      };
    }

    /** The value as both sides print it; null for SQL NULL. */
    String read(ResultSet rs, int column) throws SQLException {
      String text = switch (this) {
        case INTEGER -> {
          long v = rs.getLong(column);
          yield rs.wasNull() ? null : Long.toString(v);
        }
        case NUMBER -> {
          BigDecimal v = rs.getBigDecimal(column);
          yield v == null ? null : v.stripTrailingZeros().toPlainString();
        }
        case DATE -> {
          LocalDate v = rs.getObject(column, LocalDate.class);
          yield v == null ? null : v.toString();
        }
        case TIMESTAMP -> {
          LocalDateTime v = rs.getObject(column, LocalDateTime.class);
          yield v == null ? null : v.toString();
        }
        case INSTANT -> {
          OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
          yield v == null ? null : v.toInstant().toString();
        }
        case BOOLEAN -> {
          boolean v = rs.getBoolean(column);
          yield rs.wasNull() ? null : Boolean.toString(v);
        }
        case BYTES -> {
          byte[] v = rs.getBytes(column);
          yield v == null ? null : HexFormat.of().formatHex(v);
        }
        case UUID -> {
          String v = rs.getString(column);
          yield v == null ? null : v.toLowerCase(Locale.ROOT);
        }
        case TEXT -> rs.getString(column);
      };
      return text;
    }
  }

  private MappedChecksum() {
  }

  /** How the target table's columns (all but the tenant column) are read, in the order of {@code columns}. */
  public static List<Reading> readings(Connection target, String targetTable, List<String> columns) throws SQLException {
    List<Reading> readings = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT " + String.join(", ", columns) + " FROM " + targetTable + " WHERE false");
         ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        readings.add(Reading.of(md.getColumnType(i), md.getColumnTypeName(i)));
      }
    }
    return readings;
  }

  /** Counts and checksums the rows of {@code query} (its columns in the order of {@code readings}; one parameter or none). */
  public static Result compute(Connection c, String query, List<Reading> readings, String parameter) throws SQLException {
    MessageDigest md5 = md5();
    long rows = 0;
    long sum = 0;
    try (PreparedStatement ps = c.prepareStatement(query, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(5000);
      if (parameter != null) {
        ps.setString(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          for (int i = 0; i < readings.size(); i++) {
            String v = readings.get(i).read(rs, i + 1);
            // A length before each value keeps ("ab", "c") and ("a", "bc") apart, and -1 marks NULL.
            byte[] bytes = v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8);
            md5.update(ByteBuffer.allocate(4).putInt(v == null ? -1 : bytes.length).array());
            md5.update(bytes);
          }
          // Addition commutes, so the sum does not depend on the order the rows come in.
          sum += ByteBuffer.wrap(md5.digest()).getLong();
          rows++;
        }
      }
    }
    return new Result(rows, sum);
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }
}
