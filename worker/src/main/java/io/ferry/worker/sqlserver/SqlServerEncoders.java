package io.ferry.worker.sqlserver;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import microsoft.sql.DateTimeOffset;

/**
 * One {@link ColumnEncoder} per SQL Server type, writing the binary form of the PostgreSQL type
 * {@link SqlServerTypes} maps it to. Values are read with typed getters and written as PostgreSQL's
 * binary input functions read them; no value goes through text unless its target type is text.
 */
final class SqlServerEncoders {

  /** 2000-01-01, PostgreSQL's epoch for dates and timestamps, in Unix days and seconds. */
  private static final long PG_EPOCH_DAYS = 10_957;
  private static final long PG_EPOCH_SECONDS = PG_EPOCH_DAYS * 86_400;
  /**
   * 1582-10-17T00:00Z: {@code java.util} calendars switch from Julian to Gregorian at 1582-10-15T00:00Z; from two
   * days later on, every offset's local time is Gregorian too, and the driver's instants are the real ones.
   */
  private static final long GREGORIAN_EVERYWHERE_MILLIS = -12_219_292_800_000L + 2 * 86_400_000L;

  private SqlServerEncoders() {
  }

  static ColumnEncoder forType(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "bigint" -> (rs, i, out) -> {
        long v = rs.getLong(i);
        if (rs.wasNull()) out.nullField(); else { out.int32(8); out.int64(v); }
      };
      case "int" -> (rs, i, out) -> {
        int v = rs.getInt(i);
        if (rs.wasNull()) out.nullField(); else { out.int32(4); out.int32(v); }
      };
      case "smallint", "tinyint" -> (rs, i, out) -> {
        short v = rs.getShort(i);
        if (rs.wasNull()) out.nullField(); else { out.int32(2); out.int16(v); }
      };
      case "bit" -> (rs, i, out) -> {
        boolean v = rs.getBoolean(i);
        if (rs.wasNull()) out.nullField(); else { out.int32(1); out.int8(v ? 1 : 0); }
      };
      case "float" -> t.arg(0, 53) <= 24 ? SqlServerEncoders::real : SqlServerEncoders::doublePrecision;
      case "real" -> SqlServerEncoders::real;
      case "decimal", "numeric", "money", "smallmoney" -> (rs, i, out) -> {
        BigDecimal v = rs.getBigDecimal(i);
        if (v == null) out.nullField(); else PgNumeric.write(v, out);
      };
      case "date" -> (rs, i, out) -> {
        LocalDate v = rs.getObject(i, LocalDate.class);
        if (v == null) out.nullField(); else { out.int32(4); out.int32((int) (v.toEpochDay() - PG_EPOCH_DAYS)); }
      };
      case "time" -> (rs, i, out) -> {
        LocalTime v = rs.getObject(i, LocalTime.class);
        if (v == null) out.nullField(); else { out.int32(8); out.int64((v.toNanoOfDay() + 500) / 1000); }
      };
      case "datetime", "smalldatetime", "datetime2" -> (rs, i, out) -> {
        LocalDateTime v = rs.getObject(i, LocalDateTime.class);
        if (v == null) out.nullField(); else timestamp(out, v.toEpochSecond(ZoneOffset.UTC), v.getNano());
      };
      case "datetimeoffset" -> SqlServerEncoders::timestampWithZone;
      case "varchar", "nvarchar" -> t.max() ? new StreamedText(SqlServerEncoders::text) : SqlServerEncoders::text;
      case "text", "ntext", "xml" -> new StreamedText(SqlServerEncoders::text);
      case "char", "nchar", "sysname", "sql_variant" -> SqlServerEncoders::text;
      case "hierarchyid" -> textOf(c -> "CAST(" + c + " AS nvarchar(4000))");
      case "geography", "geometry" ->
          textOf(c -> "'SRID=' + CAST(" + c + ".STSrid AS varchar(11)) + ';' + " + c + ".STAsText()");
      case "binary", "varbinary", "image", "timestamp", "rowversion" ->
          t.max() || t.name().equals("image") ? new StreamedBinary() : SqlServerEncoders::binary;
      case "uniqueidentifier" -> SqlServerEncoders::uuid;
      default -> throw new IllegalArgumentException("no encoder for SQL Server type " + sqlServerType);
    };
  }

  private static void real(ResultSet rs, int i, CopyTuples out) throws SQLException {
    float v = rs.getFloat(i);
    if (rs.wasNull()) out.nullField(); else { out.int32(4); out.int32(Float.floatToRawIntBits(v)); }
  }

  private static void doublePrecision(ResultSet rs, int i, CopyTuples out) throws SQLException {
    double v = rs.getDouble(i);
    if (rs.wasNull()) out.nullField(); else { out.int32(8); out.int64(Double.doubleToRawLongBits(v)); }
  }

  /**
   * Read as the driver's own {@link DateTimeOffset}, whose instant is there as it came off the wire: asking
   * for an {@link OffsetDateTime} instead formats the offset as text and fills a {@code Calendar} for every
   * value (more than a third of the CPU of reading a row of six columns). The driver counts that instant
   * in the Julian calendar before the Gregorian one began; such values take the driver's own conversion.
   */
  private static void timestampWithZone(ResultSet rs, int i, CopyTuples out) throws SQLException {
    DateTimeOffset v = rs.getObject(i, DateTimeOffset.class);
    if (v == null) {
      out.nullField();
    } else {
      out.int32(8);
      out.int64(micros(v));
    }
  }

  /** {@code timestamptz}'s microseconds since 2000-01-01 of a {@code datetimeoffset}. */
  static long micros(DateTimeOffset v) {
    Timestamp utc = v.getTimestamp();
    long millis = utc.getTime();
    if (millis >= GREGORIAN_EVERYWHERE_MILLIS) {
      return micros(Math.floorDiv(millis, 1000), utc.getNanos());
    }
    OffsetDateTime o = v.getOffsetDateTime();
    return micros(o.toEpochSecond(), o.getNano());
  }

  /** Microseconds since 2000-01-01; SQL Server's 100 ns ticks are rounded to the nearest microsecond. */
  private static void timestamp(CopyTuples out, long epochSecond, int nano) {
    out.int32(8);
    out.int64(micros(epochSecond, nano));
  }

  private static long micros(long epochSecond, int nano) {
    return (epochSecond - PG_EPOCH_SECONDS) * 1_000_000 + (nano + 500) / 1000;
  }

  /** PostgreSQL text cannot hold a NUL character: such a value is the row's error, named clearly. */
  private static void text(ResultSet rs, int i, CopyTuples out) throws SQLException {
    String v = rs.getString(i);
    if (v == null) {
      out.nullField();
      return;
    }
    if (v.indexOf('\0') >= 0) {
      throw new UnencodableValueException(rs.getMetaData().getColumnLabel(i),
          "contains a NUL character (U+0000), which PostgreSQL text cannot hold");
    }
    out.field(v.getBytes(StandardCharsets.UTF_8));
  }

  /** A type read as the text SQL Server converts it to. */
  private static ColumnEncoder textOf(java.util.function.UnaryOperator<String> expression) {
    return new ColumnEncoder() {
      @Override
      public List<String> select(String column) {
        return List.of(expression.apply(column) + " AS " + column);
      }

      @Override
      public void write(ResultSet rs, int first, CopyTuples out) throws SQLException {
        text(rs, first, out);
      }
    };
  }

  private static void binary(ResultSet rs, int i, CopyTuples out) throws SQLException {
    byte[] v = rs.getBytes(i);
    if (v == null) out.nullField(); else out.field(v);
  }

  /**
   * SQL Server stores a GUID's first three groups little-endian; {@code uuid} is the sixteen bytes in the
   * order the text form prints them.
   */
  private static void uuid(ResultSet rs, int i, CopyTuples out) throws SQLException {
    byte[] v = rs.getBytes(i);
    if (v == null) {
      out.nullField();
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(16);
    b.put(v[3]).put(v[2]).put(v[1]).put(v[0]).put(v[5]).put(v[4]).put(v[7]).put(v[6]).put(v, 8, 8);
    out.field(b.array());
  }

  /**
   * {@code varbinary(max)} and {@code image}: the length is selected first ({@code DATALENGTH}), so the
   * value can stream into the COPY blocks without ever being held whole.
   */
  static final class StreamedBinary implements ColumnEncoder {

    private final java.util.function.UnaryOperator<String> bytes;

    StreamedBinary() {
      this(c -> c);
    }

    /** @param bytes the expression that gives a column's bytes, given its quoted name */
    StreamedBinary(java.util.function.UnaryOperator<String> bytes) {
      this.bytes = bytes;
    }

    @Override
    public List<String> select(String column) {
      return List.of("DATALENGTH(" + column + ")", bytes.apply(column));
    }

    @Override
    public void write(ResultSet rs, int first, CopyTuples out) throws SQLException {
      long length = rs.getLong(first);
      if (rs.wasNull()) {
        out.nullField();
        return;
      }
      InputStream in = rs.getBinaryStream(first + 1);
      out.stream(in, length);
    }
  }
}
