package io.ferry.worker.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One column's canonical text: the form a value takes on both sides of a cross-engine comparison, after
 * the type mapping, so that a value copied exactly prints the same from the source's driver and the
 * target's. The kind is decided by the column's <em>target</em> type (what the copy promised to keep): a
 * SQL Server {@code datetimeoffset} and a PostgreSQL {@code timestamptz} both print as the instant, a
 * {@code money} and a {@code numeric(19,4)} both as the number without trailing zeros.
 *
 * <p>Rounding follows the target: a {@code datetime2(7)} value lands in a {@code timestamp(6)} rounded to
 * the microsecond, a {@code datetime} (1/300 s ticks) in a {@code timestamp(3)} rounded to the
 * millisecond, so the source's value is rounded the same way before it is printed; two values the target
 * cannot tell apart are not reported as different.
 *
 * @param precision fractional digits of a time or timestamp kind (0–7; PostgreSQL's types have at most 6)
 */
public record Canonical(Kind kind, int precision) {

  /** How values of a column are read and printed. */
  public enum Kind {
    /** Every integer type: its decimal digits. */
    INTEGER,
    /** Exact numbers (numeric, decimal, money): the value without trailing zeros, never in exponent form. */
    NUMBER,
    /** {@code double precision}: Java's shortest text that reads back to the same 64 bits. */
    FLOAT8,
    /** {@code real}: the same for 32 bits. */
    FLOAT4,
    BOOLEAN,
    DATE,
    /** Time of day, rounded to {@link #precision} digits. */
    TIME,
    /** Timestamp without time zone, rounded to {@link #precision} digits. */
    TIMESTAMP,
    /** Timestamp with time zone: the instant in UTC, rounded to {@link #precision} digits. */
    INSTANT,
    /** Lower-case text form. */
    UUID,
    /** Hexadecimal. */
    BYTES,
    /** JSON re-printed with object keys sorted (jsonb keeps one order, the source text another). */
    JSON,
    /** The value as text, unchanged. */
    TEXT
  }

  /** Each value as its engine prints it: both sides are the same engine and the same types. */
  public static final Canonical TEXT = new Canonical(Kind.TEXT, 6);

  private static final ObjectMapper JSON_SORTED = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  /** Seconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01, where its rounding is anchored. */
  private static final long PG_EPOCH_SECONDS = 946_684_800L;

  /** The kind a target column type calls for ({@code numeric(19,4)}, {@code timestamp(3) without time zone}…). */
  public static Canonical of(String targetType) {
    String t = targetType.toLowerCase(Locale.ROOT).trim();
    if (t.endsWith("[]")) {
      return TEXT;
    }
    String base = t.replaceAll("\\(.*?\\)", "").replaceAll("\\s+", " ").trim();
    // SQL Server's datetime2, datetimeoffset and time default to 7 digits; PostgreSQL's types hold at most 6,
    // so rounding one of its values to 7 changes nothing.
    int precision = !t.contains("(") && List.of("datetime2", "datetimeoffset", "time").contains(base) ? 7 : precision(t);
    return switch (base) {
      case "smallint", "integer", "int", "bigint", "int2", "int4", "int8", "tinyint" -> new Canonical(Kind.INTEGER, 0);
      case "numeric", "decimal", "money", "smallmoney" -> new Canonical(Kind.NUMBER, 0);
      case "double precision", "float8", "float" -> new Canonical(Kind.FLOAT8, 0);
      case "real", "float4" -> new Canonical(Kind.FLOAT4, 0);
      case "boolean", "bool", "bit" -> new Canonical(Kind.BOOLEAN, 0);
      case "date" -> new Canonical(Kind.DATE, 0);
      case "time", "time without time zone" -> new Canonical(Kind.TIME, precision);
      case "timestamp", "timestamp without time zone", "datetime2", "datetime", "smalldatetime" ->
          new Canonical(Kind.TIMESTAMP, precision);
      case "timestamptz", "timestamp with time zone", "datetimeoffset" -> new Canonical(Kind.INSTANT, precision);
      case "uuid", "uniqueidentifier" -> new Canonical(Kind.UUID, 0);
      case "bytea", "binary", "varbinary", "image", "rowversion" -> new Canonical(Kind.BYTES, 0);
      case "json", "jsonb" -> new Canonical(Kind.JSON, 0);
      default -> TEXT;
    };
  }

  private static int precision(String type) {
    int open = type.indexOf('(');
    if (open < 0) {
      return 6;
    }
    try {
      return Math.min(7, Integer.parseInt(type.substring(open + 1, type.indexOf(')', open)).trim()));
    } catch (RuntimeException e) {
      return 6;
    }
  }

  /** The current row's value of column {@code i} in canonical text, or null for SQL NULL. */
  public String read(ResultSet rs, int i) throws SQLException {
    Object v = switch (kind) {
      case INTEGER -> {
        long x = rs.getLong(i);
        yield rs.wasNull() ? null : x;
      }
      case NUMBER -> rs.getBigDecimal(i);
      case FLOAT8 -> {
        double x = rs.getDouble(i);
        yield rs.wasNull() ? null : x;
      }
      case FLOAT4 -> {
        float x = rs.getFloat(i);
        yield rs.wasNull() ? null : x;
      }
      case BOOLEAN -> {
        boolean x = rs.getBoolean(i);
        yield rs.wasNull() ? null : x;
      }
      case DATE -> rs.getObject(i, LocalDate.class);
      case TIME -> rs.getObject(i, LocalTime.class);
      case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
      case INSTANT -> rs.getObject(i, OffsetDateTime.class);
      case BYTES -> rs.getBytes(i);
      case UUID, JSON, TEXT -> rs.getString(i);
    };
    return print(v);
  }

  /** A value as a driver returns it, in canonical text; null stays null. */
  public String print(Object v) {
    if (v == null) {
      return null;
    }
    return switch (kind) {
      case INTEGER -> Long.toString(((Number) v).longValue());
      case NUMBER -> {
        BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
        yield d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
      }
      case FLOAT8 -> Double.toString(((Number) v).doubleValue());
      case FLOAT4 -> Float.toString(((Number) v).floatValue());
      case BOOLEAN -> v instanceof Boolean b ? b.toString() : Boolean.toString(truth(v.toString()));
      case DATE -> v.toString();
      case TIME -> {
        LocalTime t = (LocalTime) v;
        long nanos = roundNanos(t.toNanoOfDay());
        // PostgreSQL's time rounds up to 24:00:00, which it keeps as such.
        yield nanos >= 86_400_000_000_000L ? "24:00" : LocalTime.ofNanoOfDay(nanos).toString();
      }
      case TIMESTAMP -> {
        LocalDateTime t = (LocalDateTime) v;
        yield timestamp(t.toEpochSecond(ZoneOffset.UTC), t.getNano()).toString();
      }
      case INSTANT -> {
        OffsetDateTime t = (OffsetDateTime) v;
        yield timestamp(t.toEpochSecond(), t.getNano()).toString() + "Z";
      }
      case UUID -> v.toString().toLowerCase(Locale.ROOT);
      case BYTES -> HexFormat.of().formatHex((byte[]) v);
      case JSON -> json(v.toString());
      case TEXT -> v.toString();
    };
  }

  private static boolean truth(String s) {
    return s.equals("1") || s.equalsIgnoreCase("t") || s.equalsIgnoreCase("true");
  }

  /**
   * A timestamp rounded as the target rounds it: into PostgreSQL (at most 6 digits) the copy first rounds
   * to the microsecond (half up), then the column's typmod rounds to its digits, a half away from
   * PostgreSQL's epoch (2000-01-01); 7 digits (SQL Server's {@code datetime2(7)}) keep 100 ns ticks.
   */
  private LocalDateTime timestamp(long epochSecond, int nano) {
    long second = epochSecond;
    long n = precision <= 6 ? (nano + 500L) / 1000 * 1000 : nano;
    long scale = scale();
    long rem = n % scale;
    boolean beforeEpoch = second < PG_EPOCH_SECONDS;
    n -= rem;
    if (rem * 2 > scale || (rem * 2 == scale && !beforeEpoch)) {
      n += scale;
    }
    if (n >= 1_000_000_000L) {
      n -= 1_000_000_000L;
      second++;
    }
    return LocalDateTime.ofEpochSecond(second, (int) n, ZoneOffset.UTC);
  }

  /** Nanoseconds of a time of day rounded as {@link #timestamp} rounds them (a time is never before an epoch). */
  private long roundNanos(long nanos) {
    long n = precision <= 6 ? (nanos + 500) / 1000 * 1000 : nanos;
    long scale = scale();
    return (n + scale / 2) / scale * scale;
  }

  /** Nanoseconds per unit of the last kept digit. */
  private long scale() {
    long scale = 1;
    for (int i = precision; i < 9; i++) {
      scale *= 10;
    }
    return scale;
  }

  private static String json(String text) {
    try {
      JsonNode node = JSON_SORTED.readTree(text);
      return JSON_SORTED.writeValueAsString(JSON_SORTED.treeToValue(node, Object.class));
    } catch (java.io.IOException e) {
      return text; // not JSON after all: compared as the text it is
    }
  }
}
