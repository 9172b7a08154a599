package io.ferry.worker.sqlserver;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import microsoft.sql.DateTimeOffset;

/**
 * The form each SQL Server type travels in when the target is SQL Server too: a field of the PostgreSQL
 * binary COPY stream that the reader writes ({@link #encoder}) and the target's writer turns back into
 * the value the bulk copy API takes ({@link #decoder}). Every value arrives exactly as the source held it:
 *
 * <ul>
 *   <li>integers: big-endian, 8, 4 or 2 bytes ({@code tinyint} as 2); {@code bit}: one byte;
 *   {@code real}/{@code float}: IEEE 754 bits, 4 or 8 bytes;
 *   <li>{@code decimal}, {@code numeric}, {@code money}, {@code smallmoney}: the exact decimal as UTF-8 text;
 *   <li>{@code date}: days since 2000-01-01 (PostgreSQL's form), 4 bytes;
 *   <li>{@code time}: 100-nanosecond ticks since midnight, 8 bytes (all 7 fractional digits);
 *   <li>{@code datetime2}, {@code datetime}, {@code smalldatetime}: seconds since 1970-01-01 (8 bytes) and
 *   nanoseconds (4 bytes) of the local date-time;
 *   <li>{@code datetimeoffset}: the same for the UTC instant, then the offset in minutes (2 bytes): the
 *   offset is kept;
 *   <li>character types and {@code xml}: UTF-8 text (NUL characters included), long values streamed;
 *   <li>binary types: the bytes, long values streamed; {@code rowversion} as its 8 bytes (it lands in a
 *   {@code binary(8)}: a target row's version is the target's);
 *   <li>{@code uniqueidentifier}: its text form, which the bulk copy API takes as it is;
 *   <li>{@code hierarchyid}, {@code geography}, {@code geometry}: the server's own serialization of the value
 *   ({@code CAST(… AS varbinary(max))}), streamed like {@code varbinary(max)}; the bulk copy API sends it as
 *   {@code varbinary} and the server converts it back to the same value (SRID, Z and M values included);
 *   <li>{@code sql_variant}: its base type in full, its collation and its value ({@link SqlServerVariant}).
 * </ul>
 */
final class SqlServerWire {

  /** 1970-01-01 is day 10,957 before PostgreSQL's date epoch. */
  private static final long PG_EPOCH_DAYS = 10_957;
  private static final long TICK_NANOS = 100;

  private SqlServerWire() {
  }

  /** Reads a source column of {@code sqlServerType} into its wire form. */
  static ColumnEncoder encoder(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "bigint", "int", "smallint", "tinyint", "bit", "real", "float", "date", "binary", "varbinary", "image",
           "timestamp", "rowversion" -> SqlServerEncoders.forType(sqlServerType);
      case "decimal", "numeric", "money", "smallmoney" -> (rs, i, out) -> {
        BigDecimal v = rs.getBigDecimal(i);
        if (v == null) out.nullField(); else out.text(v.toPlainString());
      };
      case "time" -> (rs, i, out) -> {
        Timestamp v = rs.getTimestamp(i);
        if (v == null) {
          out.nullField();
        } else {
          out.int32(8);
          out.int64(v.toLocalDateTime().toLocalTime().toNanoOfDay() / TICK_NANOS);
        }
      };
      case "datetime2", "datetime", "smalldatetime" -> (rs, i, out) -> {
        LocalDateTime v = rs.getObject(i, LocalDateTime.class);
        if (v == null) out.nullField(); else instant(out, v.toEpochSecond(ZoneOffset.UTC), v.getNano(), null);
      };
      case "datetimeoffset" -> (rs, i, out) -> {
        DateTimeOffset v = rs.getObject(i, DateTimeOffset.class);
        if (v == null) {
          out.nullField();
        } else {
          Timestamp utc = v.getTimestamp();
          instant(out, Math.floorDiv(utc.getTime(), 1000), utc.getNanos(), v.getMinutesOffset());
        }
      };
      case "varchar", "nvarchar" -> t.max() ? new StreamedText(SqlServerWire::text, false) : SqlServerWire::text;
      case "text", "ntext", "xml" -> new StreamedText(SqlServerWire::text, false);
      case "char", "nchar", "sysname", "uniqueidentifier" -> SqlServerWire::text;
      case "hierarchyid", "geography", "geometry" -> new SqlServerEncoders.StreamedBinary(c -> "CAST(" + c + " AS varbinary(max))");
      case "sql_variant" -> SqlServerVariant.ENCODER;
      default -> throw new IllegalArgumentException("SQL Server type " + sqlServerType + " cannot be copied to a SQL Server"
          + " target exactly (see docs/sqlserver.md)");
    };
  }

  /** Turns a field of a column of {@code sqlServerType} (as the target's catalog names it) back into its value. */
  static FieldDecoder decoder(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "bigint", "int", "smallint", "tinyint" -> (b, off, len) -> integer(b, off, len, t.name());
      case "bit" -> (b, off, len) -> b[off] != 0;
      case "real" -> (b, off, len) -> Float.intBitsToFloat((int) fixed(b, off, 4));
      case "float" -> (b, off, len) -> len == 4 ? (double) Float.intBitsToFloat((int) fixed(b, off, 4))
          : Double.longBitsToDouble(fixed(b, off, 8));
      case "decimal", "numeric", "money", "smallmoney" -> (b, off, len) -> new BigDecimal(utf8(b, off, len));
      case "date" -> (b, off, len) -> java.sql.Date.valueOf(LocalDate.ofEpochDay(fixed(b, off, 4) + PG_EPOCH_DAYS));
      case "time" -> (b, off, len) -> Timestamp.valueOf(LocalDate.of(1900, 1, 1).atStartOfDay()
          .plusNanos(fixed(b, off, 8) * TICK_NANOS));
      case "datetime2", "datetime", "smalldatetime" -> (b, off, len) -> Timestamp.valueOf(localDateTime(b, off));
      case "datetimeoffset" -> (b, off, len) -> {
        Timestamp utc = Timestamp.from(localDateTime(b, off).toInstant(ZoneOffset.UTC));
        return DateTimeOffset.valueOf(utc, (short) fixed(b, off + 12, 2));
      };
      case "binary", "varbinary", "image", "timestamp", "rowversion", "hierarchyid", "geography", "geometry" ->
          (b, off, len) -> java.util.Arrays.copyOfRange(b, off, off + len);
      case "sql_variant" -> SqlServerVariant::decode;
      default -> (b, off, len) -> utf8(b, off, len);
    };
  }

  /** Whether a long value of the type may reach the writer as a stream rather than whole. */
  static boolean streamable(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return t.max() || List.of("text", "ntext", "xml", "image", "geography", "geometry").contains(t.name());
  }

  /** Whether a long value streams as characters (else as bytes). */
  static boolean textual(String sqlServerType) {
    return !List.of("varbinary", "binary", "image", "hierarchyid", "geography", "geometry")
        .contains(SqlServerType.parse(sqlServerType).name());
  }

  /** A field decoded into the value the bulk copy API or a statement parameter takes. */
  @FunctionalInterface
  interface FieldDecoder {
    Object decode(byte[] b, int offset, int length) throws IOException;
  }

  private static void instant(CopyTuples out, long epochSecond, int nano, Integer offsetMinutes) {
    out.int32(offsetMinutes == null ? 12 : 14);
    out.int64(epochSecond);
    out.int32(nano);
    if (offsetMinutes != null) {
      out.int16(offsetMinutes);
    }
  }

  private static LocalDateTime localDateTime(byte[] b, int off) {
    return LocalDateTime.ofEpochSecond(fixed(b, off, 8), (int) fixed(b, off + 8, 4), ZoneOffset.UTC);
  }

  private static void text(ResultSet rs, int i, CopyTuples out) throws SQLException {
    String v = rs.getString(i);
    if (v == null) out.nullField(); else out.text(v);
  }

  /** An integer field of any width, as the column's Java type: a narrower source column fits a wider target one. */
  private static Object integer(byte[] b, int off, int len, String type) {
    long v = fixed(b, off, len);
    return switch (type) {
      case "bigint" -> v;
      case "int" -> (int) v;
      default -> (short) v;
    };
  }

  /** A big-endian signed integer of {@code len} bytes. */
  static long fixed(byte[] b, int off, int len) {
    long v = b[off]; // sign-extended
    for (int i = 1; i < len; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static String utf8(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
