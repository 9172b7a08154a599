package io.ferry.worker.postgres;

import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Key quantiles: key tuples at roughly equal row-count steps through the table, in the source's order,
 * so the coordinator's splitter cuts ranges of similar size even when keys are skewed (min/max alone
 * would put a dense cluster of keys and a sparse tail into very different units). Every value is the
 * source's own text form ({@code col::text}), which the range SQL casts back to the column's type.
 *
 * <p>Sources, cheapest first:
 * <ul>
 *   <li>single-column keys: the planner's histogram ({@code pg_stats.histogram_bounds}, equal-frequency
 *       buckets in the column's collation; free to read). Integer histograms are interpolated to as
 *       many points as wanted; other types are taken as they are, when the histogram has enough
 *       bounds for the units the table needs;</li>
 *   <li>tables under {@link #EXACT_LIMIT} rows: exact, every n-th key of the whole table;</li>
 *   <li>else a block sample ({@code TABLESAMPLE SYSTEM}) of about {@link #SAMPLE_ROWS} rows.</li>
 * </ul>
 * Exact and sampled points are ordered by the key columns on the source (their collations, their
 * types' ordering) and thinned out on the source too: only the chosen tuples travel.
 *
 * <p>Tables split by {@code ctid} get block boundaries {@code (b,0)} spread evenly over the table's
 * heap blocks instead ({@code blocks}).
 */
final class PostgresQuantiles {

  static final long EXACT_LIMIT = 100_000;
  static final long SAMPLE_ROWS = 20_000;
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

  private PostgresQuantiles() {
  }

  static KeySample sample(Connection c, SourceTable table, SplitKey key, int points, int minPoints) throws SQLException {
    if (table.estimatedRows() == 0 || points < 2) {
      return KeySample.EMPTY;
    }
    if (key.isCtid()) {
      return new KeySample(blocks(heapBlocks(c, table), points), "blocks");
    }
    if (key.columns().size() == 1) {
      List<String> bounds = histogram(c, table, key.columns().get(0));
      if (bounds.size() >= 2 && INTEGER_TYPES.contains(key.types().get(0))) {
        return new KeySample(tuples(interpolate(bounds.stream().mapToLong(Long::parseLong).toArray(), points)), "histogram");
      }
      if (bounds.size() >= Math.max(2, minPoints)) {
        return new KeySample(tuples(pick(bounds, points)), "histogram");
      }
    }
    if (table.estimatedRows() >= EXACT_LIMIT) {
      double percent = Math.min(100.0, 100.0 * SAMPLE_ROWS / table.estimatedRows());
      List<List<String>> sampled = spaced(c, table, key, points, percent);
      if (sampled.size() >= 2) {
        return new KeySample(sampled, "sample");
      }
      // The statistics promised many rows but the sample found almost none: the table is small after all.
    }
    return new KeySample(spaced(c, table, key, points, null), "exact");
  }

  /** The column's histogram bounds as text, in order; empty when the column has no histogram. */
  private static List<String> histogram(Connection c, SourceTable table, String keyColumn) throws SQLException {
    // histogram_bounds is anyarray; through text[] each element comes back as its type's own text form.
    String sql = """
        SELECT b.v FROM pg_stats s, unnest(s.histogram_bounds::text::text[]) WITH ORDINALITY b(v, i)
        WHERE s.schemaname = ? AND s.tablename = ? AND s.attname = ? AND NOT s.inherited ORDER BY b.i""";
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.name().schema());
      ps.setString(2, table.name().name());
      ps.setString(3, keyColumn);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * Up to {@code points} key tuples at equal steps through the key order (first and last included),
   * from the whole table ({@code percent} null) or a block sample. Row {@code rn} of {@code n} is kept
   * when {@code (rn - 1) * (points - 1) / (n - 1)} steps to a new integer: {@code points} rows evenly
   * spread. Rows with a NULL key column are left out: they are not in any ordinary range.
   */
  static String spacedSql(SourceTable table, SplitKey key, int points, Double percent) {
    List<String> cols = key.columns().stream().map(PgSql::ident).toList();
    List<String> aliases = new ArrayList<>();
    List<String> selected = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      aliases.add("k" + i);
      selected.add(cols.get(i) + "::text AS k" + i);
    }
    String order = String.join(", ", cols);
    String sample = percent == null ? "" : " TABLESAMPLE SYSTEM (" + BigDecimal.valueOf(percent).setScale(6, RoundingMode.UP)
        .stripTrailingZeros().toPlainString() + ")";
    String notNull = key.nullable() ? " WHERE " + cols.stream().map(col -> col + " IS NOT NULL").collect(Collectors.joining(" AND ")) : "";
    long steps = points - 1L;
    return "SELECT " + String.join(", ", aliases) + " FROM (SELECT " + String.join(", ", selected)
        + ", row_number() OVER (ORDER BY " + order + ") AS rn, count(*) OVER () AS n FROM " + PgSql.ownRows(table.name())
        + sample + notNull + ") s WHERE n <= " + points + " OR rn = 1 OR rn = n OR (rn - 1) * " + steps + " / nullif(n - 1, 0) <> (rn - 2) * "
        + steps + " / nullif(n - 1, 0) ORDER BY rn";
  }

  private static List<List<String>> spaced(Connection c, SourceTable table, SplitKey key, int points, Double percent)
      throws SQLException {
    List<List<String>> out = new ArrayList<>();
    int width = key.columns().size();
    try (PreparedStatement ps = c.prepareStatement(spacedSql(table, key, points, percent))) {
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> tuple = new ArrayList<>(width);
          for (int i = 1; i <= width; i++) {
            tuple.add(rs.getString(i));
          }
          if (out.isEmpty() || !out.get(out.size() - 1).equals(tuple)) {
            out.add(List.copyOf(tuple));
          }
        }
      }
    }
    return out;
  }

  private static long heapBlocks(Connection c, SourceTable table) throws SQLException {
    String sql = "SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.name().schema());
      ps.setString(2, table.name().name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Block boundaries {@code (b,0)} evenly spread from block 0 to the table's end: point {@code i} of
   * {@code m} is block {@code i * blocks / (m - 1)}, so the splitter's evenly spaced picks are evenly
   * spaced blocks. The last point is the first block past the end, so that rows appended after the
   * survey fall into the open last range.
   */
  static List<List<String>> blocks(long blocks, int points) {
    if (blocks <= 0) {
      return List.of();
    }
    int m = (int) Math.min(points, blocks + 1);
    List<List<String>> out = new ArrayList<>(m);
    long previous = -1;
    for (int i = 0; i < m; i++) {
      long block = BigDecimal.valueOf(blocks).multiply(BigDecimal.valueOf(i))
          .divide(BigDecimal.valueOf(m - 1L), 0, RoundingMode.FLOOR).longValueExact();
      if (block != previous) {
        out.add(List.of("(" + block + ",0)"));
        previous = block;
      }
    }
    return out;
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
    List<String> values = new ArrayList<>(sorted.length);
    for (long v : sorted) {
      values.add(Long.toString(v));
    }
    return pick(values, points);
  }

  /** Up to {@code points} values at equal steps through sorted values, first and last included, without repeats. */
  static List<String> pick(List<String> sorted, int points) {
    List<String> out = new ArrayList<>(Math.min(points, sorted.size()));
    int n = sorted.size();
    int m = Math.min(points, n);
    for (int i = 0; i < m; i++) {
      String v = sorted.get(m == 1 ? 0 : (int) ((long) i * (n - 1) / (m - 1)));
      if (out.isEmpty() || !out.get(out.size() - 1).equals(v)) {
        out.add(v);
      }
    }
    return out;
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

  private static List<List<String>> tuples(List<String> values) {
    return values.stream().map(List::of).toList();
  }
}
