package io.ferry.bench;

import java.util.Arrays;

/**
 * What the simulated workers saw of one job: each answered claim's round trip and units, the units
 * reported done, failed requests and lost leases. Shared by the workers' event loops, hence synchronized
 * (a few thousand calls a second).
 */
final class ClaimStats {

  private long[] latencies = new long[1024];
  private int claims;
  private long units;
  private long done;
  private long failed;
  private long lost;
  private long firstClaimNanos;
  private long lastDoneNanos;

  synchronized void claimed(long latencyNanos, int claimedUnits) {
    if (claims == latencies.length) {
      latencies = Arrays.copyOf(latencies, claims * 2);
    }
    latencies[claims++] = latencyNanos;
    if (units == 0) {
      firstClaimNanos = System.nanoTime() - latencyNanos;
    }
    units += claimedUnits;
  }

  synchronized void done() {
    done++;
    lastDoneNanos = System.nanoTime();
  }

  synchronized void failed() {
    failed++;
  }

  synchronized void lost(int n) {
    lost += n;
  }

  /** Starts a new job's figures. */
  synchronized void reset() {
    claims = 0;
    units = 0;
    done = 0;
    failed = 0;
    lost = 0;
    firstClaimNanos = 0;
    lastDoneNanos = 0;
  }

  /** The figures so far. */
  synchronized Summary summary() {
    long[] sorted = Arrays.copyOf(latencies, claims);
    Arrays.sort(sorted);
    double seconds = (lastDoneNanos - firstClaimNanos) / 1e9;
    return new Summary(claims, units, done, failed, lost, seconds > 0 ? units / seconds : 0,
        percentile(sorted, 0.50), percentile(sorted, 0.99));
  }

  /** The {@code q} quantile in milliseconds (nearest rank); 0 without claims. */
  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  /**
   * @param claims          claims answered with at least one unit
   * @param units           units those claims handed out
   * @param done            units reported done (and acknowledged)
   * @param failed          requests that failed (timed out, refused)
   * @param lost            leases the coordinator said were lost
   * @param unitsPerSecond  units claimed per second, first claim sent to last result acknowledged
   * @param p50Millis       claim round trip, median
   * @param p99Millis       claim round trip, 99th percentile
   */
  record Summary(int claims, long units, long done, long failed, long lost, double unitsPerSecond, double p50Millis,
                 double p99Millis) {
  }
}
