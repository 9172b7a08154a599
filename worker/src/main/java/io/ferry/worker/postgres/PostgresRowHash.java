package io.ferry.worker.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A row's 64-bit hash computed by PostgreSQL from its typed values, which the digest of a range between two
 * PostgreSQL databases sums ({@link PostgresVerify#checksumSelect}). Hashing the row's text form
 * ({@code ROW(…)::text}) instead costs three times as much: the output functions are most of it.
 *
 * <p>Each column is hashed by its type's 64-bit hash function, the one hash partitioning uses, so it is the
 * same on every version from 11 on and on every platform. The type is the column's target type (the plan's),
 * on both sides: a side whose column has another type casts its value to that type (no length, precision or
 * scale), so an {@code integer} source column compares with a {@code bigint} target. Each column hashes with
 * its own seed, so values swapped between two columns change the row's hash; a NULL hashes to a constant of
 * its column. The columns' hashes are combined by XOR and hashed once more: without that last hash the sum
 * over rows would not see values swapped between two rows.
 *
 * <p>Where a type's hash is coarser than its value, the difference is added to the hash:
 * <ul>
 *   <li>{@code numeric} ignores scale (1.0 and 1.00 hash alike) and hashes NaN, Infinity and -Infinity as
 *       one value: a column with a declared scale holds every value at that scale and no infinity, so only an
 *       unconstrained {@code numeric} adds the value's scale, or which of the three it is, to its seed;</li>
 *   <li>{@code real} and {@code double precision} hash -0 as 0: a zero printed {@code -0} gets another seed
 *       (every NaN is one value, as it prints);</li>
 *   <li>text hashes under its collation, which may be case-insensitive: it is hashed under {@code "C"}.</li>
 * </ul>
 * A type without a hash function (json, xml, point, arrays, enums, whose hash is by OID…), or whose hash
 * equates values that print differently ({@code interval}: 1 day and 24 hours), is hashed as its text form,
 * under the settings the verify transaction pins. {@code jsonb} is hashed as jsonb: by its own equality,
 * under which numbers compare by value ({@code 1.0} equals {@code 1.00}); its text form costs 2.5 times as much.
 */
final class PostgresRowHash {

  /** Seeds of successive columns are this far apart, more than a numeric's scale (at most 16383) moves one. */
  private static final long SEED_STEP = 1L << 16;

  private PostgresRowHash() {
  }

  /** The hash of a row of these columns (quoted here), of these target types, in the same order. */
  static String of(List<String> columns, List<String> types) {
    if (columns.size() != types.size()) {
      throw new IllegalArgumentException(columns.size() + " columns but " + types.size() + " types");
    }
    List<String> terms = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      terms.add("coalesce(" + column(PgSql.ident(columns.get(i)), types.get(i), (i + 1) * SEED_STEP) + ", " + -(i + 1) + ")");
    }
    return "hashint8extended(" + (terms.isEmpty() ? "0" : String.join(" # ", terms)) + ", 0)";
  }

  /** One column's hash; null when the value is NULL, except for the array-wrapped kinds (a constant then). */
  static String column(String col, String type, long seed) {
    String t = type.toLowerCase(Locale.ROOT).trim();
    String base = t.endsWith("]") ? "[]" : t.replaceAll("\\(.*?\\)", "").replaceAll("\\s+", " ").trim();
    return switch (base) {
      case "smallint", "int2" -> "hashint2extended(" + col + "::smallint, " + seed + ")";
      case "integer", "int", "int4" -> "hashint4extended(" + col + "::integer, " + seed + ")";
      case "bigint", "int8" -> "hashint8extended(" + col + "::bigint, " + seed + ")";
      case "numeric", "decimal" -> t.contains("(")
          ? "hash_numeric_extended(" + col + "::numeric, " + seed + ")"
          : "hash_numeric_extended(" + col + "::numeric, " + seed + " + coalesce(scale(" + col + "::numeric), CASE WHEN "
              + col + "::numeric = 'NaN' THEN -1 WHEN " + col + "::numeric > 0 THEN -2 ELSE -3 END))";
      case "real", "float4" -> floating("hashfloat4extended", col + "::real", seed);
      case "double precision", "float8" -> floating("hashfloat8extended", col + "::double precision", seed);
      case "boolean", "bool" -> "hashint4extended(" + col + "::boolean::integer, " + seed + ")";
      case "text", "character varying", "varchar" -> "hashtextextended(" + col + "::text COLLATE \"C\", " + seed + ")";
      case "character", "char", "bpchar" -> "hashbpcharextended(" + col + "::bpchar COLLATE \"C\", " + seed + ")";
      // No SQL-callable date hash; date::timestamp would fail past 294276 AD.
      case "date" -> "hash_array_extended(ARRAY[" + col + "::date], " + seed + ")";
      case "timestamp", "timestamp without time zone" -> "timestamp_hash_extended(" + col + "::timestamp, " + seed + ")";
      // The instant as a UTC timestamp: a fixed offset is plain arithmetic, a zone name is looked up per row.
      case "timestamptz", "timestamp with time zone" ->
          "timestamp_hash_extended(" + col + "::timestamptz AT TIME ZONE INTERVAL '00:00', " + seed + ")";
      case "time", "time without time zone" -> "time_hash_extended(" + col + "::time, " + seed + ")";
      case "timetz", "time with time zone" -> "timetz_hash_extended(" + col + "::timetz, " + seed + ")";
      case "uuid" -> "uuid_hash_extended(" + col + "::uuid, " + seed + ")";
      // bytea's hash takes an internal argument; through an array it hashes the bytes, not their hex text.
      case "bytea" -> "hash_array_extended(ARRAY[" + col + "::bytea], " + seed + ")";
      case "jsonb" -> "jsonb_hash_extended(" + col + "::jsonb, " + seed + ")";
      default -> "hashtextextended(" + col + "::text COLLATE \"C\", " + seed + ")";
    };
  }

  /** A float's hash, with another seed for -0, which the type's hash takes for 0. */
  private static String floating(String function, String value, long seed) {
    return function + "(" + value + ", " + seed + " + (" + value + " = 0 AND " + value + "::text = '-0')::integer)";
  }
}
