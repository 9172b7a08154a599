package io.ferry.worker.postgres;

import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceTable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Key quantiles of an integer key: values at roughly equal row-count steps, so the coordinator's
 * splitter cuts ranges of similar size even when keys are skewed (min/max alone would put a dense
 * cluster of keys and a sparse tail into very different units).
 *
 * <p>Sources, best first: the planner's histogram ({@code pg_stats.histogram_bounds}, equal-frequency
 * buckets; free to read); for tables under {@link #EXACT_LIMIT} rows, exact percentiles; else a block
 * sample of about {@link #SAMPLE_ROWS} rows.
 */
final class PostgresQuantiles {

  static final long EXACT_LIMIT = 100_000;
  static final long SAMPLE_ROWS = 20_000;

  private PostgresQuantiles() {
  }

  static KeySample sample(Connection c, SourceTable table, String keyColumn, int points) throws SQLException {
    if (table.estimatedRows() == 0 || points < 2) {
      return KeySample.EMPTY;
    }
    long[] bounds = histogram(c, table, keyColumn);
    if (bounds.length >= 2) {
      return new KeySample(interpolate(bounds, points), "histogram");
    }
    if (table.estimatedRows() >= EXACT_LIMIT) {
      long[] sample = blockSample(c, table, keyColumn);
      if (sample.length >= 2) {
        return new KeySample(pick(sample, points), "sample");
      }
    }
    return new KeySample(exact(c, table, keyColumn, points), "exact");
  }

  private static long[] histogram(Connection c, SourceTable table, String keyColumn) throws SQLException {
    String sql = "SELECT histogram_bounds::text FROM pg_stats WHERE schemaname = ? AND tablename = ? AND attname = ? AND NOT inherited";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.name().schema());
      ps.setString(2, table.name().name());
      ps.setString(3, keyColumn);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? parseIntegerArray(rs.getString(1)) : new long[0];
      }
    }
  }

  /** Parses the text form of an integer array ({@code {1,2,3}}); null gives an empty array. */
  static long[] parseIntegerArray(String text) {
    if (text == null || text.length() < 2) {
      return new long[0];
    }
    String body = text.substring(1, text.length() - 1).strip();
    if (body.isEmpty()) {
      return new long[0];
    }
    String[] parts = body.split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Long.parseLong(parts[i].strip());
    }
    return out;
  }

  private static long[] blockSample(Connection c, SourceTable table, String keyColumn) throws SQLException {
    double percent = Math.min(100.0, 100.0 * SAMPLE_ROWS / Math.max(1, table.estimatedRows()));
    String key = PgSql.ident(keyColumn);
    String sql = "SELECT " + key + " FROM " + PgSql.table(table.name()) + " TABLESAMPLE SYSTEM (" + percent + ") ORDER BY " + key;
    List<Long> keys = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(5000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getLong(1));
        }
      }
    }
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  private static List<String> exact(Connection c, SourceTable table, String keyColumn, int points) throws SQLException {
    String sql = "SELECT percentile_disc(ARRAY(SELECT g::float8 / " + (points - 1) + " FROM generate_series(0, " + (points - 1)
        + ") g)) WITHIN GROUP (ORDER BY " + PgSql.ident(keyColumn) + ")::text FROM " + PgSql.table(table.name());
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return distinct(parseIntegerArray(rs.getString(1)));
    }
  }

  /**
   * Up to {@code points} values through an equal-frequency histogram. Each bucket holds the same share
   * of rows, so point {@code i} lies at bucket position {@code i * buckets / (points - 1)}; inside a
   * bucket rows are assumed evenly spread, hence linear interpolation (in BigDecimal: bounds near
   * ±9.2e18 would overflow a long difference).
   */
  static List<String> interpolate(long[] bounds, int points) {
    int buckets = bounds.length - 1;
    if (points <= bounds.length) {
      return pick(bounds, points);
    }
    long[] out = new long[points];
    for (int i = 0; i < points; i++) {
      BigDecimal position = BigDecimal.valueOf((long) i * buckets).divide(BigDecimal.valueOf(points - 1L), 12, RoundingMode.HALF_UP);
      int bucket = Math.min(position.intValue(), buckets - 1);
      BigDecimal fraction = position.subtract(BigDecimal.valueOf(bucket));
      BigDecimal lo = BigDecimal.valueOf(bounds[bucket]);
      BigDecimal hi = BigDecimal.valueOf(bounds[bucket + 1]);
      out[i] = lo.add(hi.subtract(lo).multiply(fraction)).setScale(0, RoundingMode.FLOOR).longValueExact();
    }
    return distinct(out);
  }

  /** Up to {@code points} values at equal steps through sorted values, first and last included. */
  static List<String> pick(long[] sorted, int points) {
    if (sorted.length <= points) {
      return distinct(sorted);
    }
    long[] out = new long[points];
    for (int i = 0; i < points; i++) {
      out[i] = sorted[(int) ((long) i * (sorted.length - 1) / (points - 1))];
    }
    return distinct(out);
  }

  private static List<String> distinct(long[] sorted) {
    List<String> out = new ArrayList<>(sorted.length);
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        out.add(Long.toString(sorted[i]));
      }
    }
    return out;
  }
}
