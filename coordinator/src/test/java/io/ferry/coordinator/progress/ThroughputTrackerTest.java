package io.ferry.coordinator.progress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThroughputTrackerTest {

  @Test
  void fastReportsAreRatedOverTheLastFiveSeconds() {
    ThroughputTracker tracker = new ThroughputTracker();
    for (long t = 0; t < 10_000; t += 100) {
      tracker.record("j", 1_000, 10_000, t);
    }
    assertThat(tracker.rate("j", 10_000).rowsPerSecond()).isBetween(9_500.0, 10_000.0);
    tracker.record("j", 100_000, 0, 10_000);
    assertThat(tracker.rate("j", 10_000).rowsPerSecond()).as("follows a change within seconds").isGreaterThan(25_000);
    assertThat(tracker.rate("j", 16_000).rowsPerSecond()).isZero();
  }

  /**
   * Under a rate limit of 6,000 rows/s a unit commits a chunk of 50,000 rows every 8.3 s: the rate
   * "now" must read about 6,000 between two reports, never 0.
   */
  @Test
  void sparseReportsUnderARateLimitNeverReadZeroWhileRowsMove() {
    ThroughputTracker tracker = new ThroughputTracker();
    long every = 50_000 * 1000 / 6_000;
    long next = every;
    for (long t = 0; t <= 120_000; t += 500) {
      if (t >= next) {
        tracker.record("j", 50_000, 500_000, t);
        next += every;
      }
      if (t >= 3 * every) {
        assertThat(tracker.rate("j", t).rowsPerSecond()).as("at %d ms", t).isBetween(3_000.0, 9_000.0);
      }
    }
  }

  /** A job finishing thousands of units a second reports every millisecond or so: the rate is still their sum. */
  @Test
  void reportsMillisecondsApartAddUp() {
    ThroughputTracker tracker = new ThroughputTracker();
    for (long t = 0; t < 10_000; t++) {
      tracker.record("j", 10, 100, t);
    }
    assertThat(tracker.rate("j", 10_000).rowsPerSecond()).isBetween(9_900.0, 10_000.0);
    assertThat(tracker.rate("j", 10_000).bytesPerSecond()).isBetween(99_000.0, 100_000.0);
  }
}
