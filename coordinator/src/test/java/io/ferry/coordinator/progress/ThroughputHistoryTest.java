package io.ferry.coordinator.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputHistoryTest {

  final ThroughputHistory history = new ThroughputHistory();

  @Test
  void bucketsProgressInFiveSecondStepsWithoutGaps() {
    long t0 = 1_000_000_000_000L;
    history.record("j", 5000, 50_000, t0 + 1000);
    history.record("j", 5000, 50_000, t0 + 4000);
    history.record("j", 2500, 0, t0 + 16_000);
    List<ThroughputHistory.Point> points = history.points("j", t0, t0 + 16_000);
    assertThat(points).hasSize(4);
    assertThat(points.get(0).rowsPerSecond()).isEqualTo(2000.0);
    assertThat(points.get(0).bytesPerSecond()).isEqualTo(20_000.0);
    assertThat(points.get(1).rowsPerSecond()).isZero();
    assertThat(points.get(2).rowsPerSecond()).isZero();
    assertThat(points.get(3).rowsPerSecond()).isEqualTo(500.0);
    assertThat(points.get(1).at() - points.get(0).at()).isEqualTo(5000);
  }

  @Test
  void keepsOneHourAndForgetsOlderBuckets() {
    long t0 = 2_000_000_000_000L;
    history.record("j", 1000, 0, t0);
    long hourLater = t0 + ThroughputHistory.BUCKETS * ThroughputHistory.BUCKET_MILLIS;
    history.record("j", 10, 0, hourLater);
    List<ThroughputHistory.Point> points = history.points("j", 0, hourLater);
    assertThat(points).hasSize(ThroughputHistory.BUCKETS);
    assertThat(points.stream().mapToDouble(ThroughputHistory.Point::rowsPerSecond).sum())
        .as("the bucket of an hour ago was reused, not added to").isEqualTo(2.0);
  }

  @Test
  void anUnknownJobHasZeros() {
    assertThat(history.points("nope", 0, 10_000)).allMatch(p -> p.rowsPerSecond() == 0);
  }
}
