package io.ferry.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A figure measured several times: its median and range, and its mean with a 95% confidence interval
 * (Student's t, the runs taken as independent). On a shared 2-core machine one run of a job can be 15%
 * slower than the next for nothing Ferry did, so a claim about a difference needs the interval, not one run.
 */
record Spread(int n, double median, double min, double max, double mean, double halfWidth) {

  /** Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom; beyond, the normal's 1.96. */
  private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};

  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    double mean = sorted.stream().mapToDouble(Double::doubleValue).sum() / n;
    double halfWidth = Double.NaN;
    if (n > 1) {
      double squares = sorted.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      double t = n - 1 <= T95.length ? T95[n - 2] : 1.96;
      halfWidth = t * Math.sqrt(squares / (n - 1) / n);
    }
    return new Spread(n, median, sorted.get(0), sorted.get(n - 1), mean, halfWidth);
  }

  /** Whether the interval lies wholly below zero: a drop the runs cannot explain away as noise. */
  boolean surelyNegative() {
    return n > 1 && mean + halfWidth < 0;
  }

  /** For changes: "median −2.1% (−8.0% to +6.0%), mean −1.5% ± 4.0% (95%, 5 runs)". */
  String percent() {
    String base = String.format(Locale.ROOT, "median %s (%s to %s)", pct(median), pct(min), pct(max));
    return n < 2 ? base + ", 1 run"
        : base + String.format(Locale.ROOT, ", mean %s ± %.1f%% (95%%, %d runs)", pct(mean), 100 * halfWidth, n);
  }

  /** The median and, over several runs, the range, each in {@code number}'s format: "0.97 (0.91–1.04)". */
  String withRange(String number) {
    String median = String.format(Locale.ROOT, number, this.median);
    return n < 2 ? median
        : median + String.format(Locale.ROOT, " (" + number + "–" + number + ")", min, max);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * v);
  }
}
