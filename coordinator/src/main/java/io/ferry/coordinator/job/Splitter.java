package io.ferry.coordinator.job;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.KeyRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one tenant's table into the key ranges of its copy units.
 *
 * <p>The number of ranges comes from the table's size: enough that no unit exceeds the job's unit size
 * in rows <em>or</em> bytes. The split points come from the key's distribution ({@code keyQuantiles},
 * sorted key values at roughly equal row-count steps), not from min/max: on a skewed key (most rows
 * in a narrow band, a few far away) evenly spaced <em>values</em> would put almost every row in one
 * unit, while evenly spaced <em>quantiles</em> give units of similar row counts.
 *
 * <p>The first and last ranges are open-ended, so rows inserted beyond the surveyed bounds (or missed
 * by a sample) still belong to a unit. Ranges are {@code [lower, upper)}: contiguous and non-overlapping,
 * which is what makes every row land in exactly one unit.
 *
 * <p>Key values are opaque here: a quantile is a tuple of text values, one per key column, already in
 * the source's order (the survey sorted them on the source, in the key's collations). The splitter only
 * picks among them by position and compares them for equality, never by value, so it works the same for
 * integer, text, uuid, timestamp, composite and {@code ctid} keys, and never imposes Java's ordering.
 *
 * <p>The ranges are computed once, when the job is created, and stored with its units: a resumed or
 * retried unit, or a restarted coordinator, reuses them and never recomputes them from newer statistics
 * (which would move bounds under units already done).
 */
public final class Splitter {

  private Splitter() {
  }

  public static List<KeyRange> split(TablePlan plan, UnitSize unitSize) {
    UnitSize size = unitSize.withDefaults();
    long n = Math.max(1, Math.max(ceilDiv(plan.estimatedRows(), size.rows()), ceilDiv(plan.estimatedBytes(), size.bytes())));
    SplitPlan split = plan.split();
    List<List<String>> quantiles = split.quantiles() == null ? List.of() : split.quantiles();
    boolean keyed = split.method() != SplitMethod.SINGLE_UNIT && split.key() != null && !split.key().isEmpty();
    List<KeyRange> ranges = new ArrayList<>();
    List<List<String>> points = keyed && n > 1 ? splitPoints(quantiles, (int) Math.min(n, Integer.MAX_VALUE)) : List.of();
    if (points.isEmpty()) {
      ranges.add(KeyRange.ALL);
    } else {
      List<String> lower = null;
      for (List<String> point : points) {
        ranges.add(new KeyRange(lower, point));
        lower = point;
      }
      ranges.add(new KeyRange(lower, null));
    }
    // Rows with a NULL key column are outside every ordinary range (each requires the key columns to be
    // NOT NULL: a row comparison with a NULL member can still be true, see the worker's PostgresRange),
    // so a nullable key always gets one more unit for exactly those rows, even when the rest is one range.
    if (keyed && split.nullable()) {
      ranges.add(KeyRange.NULL_KEYS);
    }
    return ranges;
  }

  /**
   * Up to {@code n - 1} split points at evenly spaced positions through the quantiles. Quantile {@code i}
   * of {@code m} sits at fraction {@code i / (m - 1)} of the rows, so split point {@code k} of {@code n}
   * is the quantile nearest to fraction {@code k / n}. Repeated values (a key with many duplicates, or
   * fewer quantiles than units) are dropped: two equal split points would make an empty range.
   */
  static List<List<String>> splitPoints(List<List<String>> quantiles, int n) {
    int m = quantiles.size();
    List<List<String>> points = new ArrayList<>();
    if (m == 0) {
      return points;
    }
    for (int k = 1; k < n; k++) {
      int index = (int) Math.round((double) k * (m - 1) / n);
      List<String> candidate = quantiles.get(index);
      if (points.isEmpty() || !points.get(points.size() - 1).equals(candidate)) {
        points.add(candidate);
      }
    }
    return points;
  }

  /** The share of a table estimate that one of {@code parts} ranges carries (rounded up, so no unit estimates 0 of a non-empty table). */
  public static long share(long total, int parts) {
    return parts <= 0 ? total : ceilDiv(total, parts);
  }

  private static long ceilDiv(long value, long divisor) {
    if (value <= 0) {
      return 0;
    }
    return (value + divisor - 1) / divisor;
  }
}
