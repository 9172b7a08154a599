package io.ferry.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThroughputMeterTest {

  @Test
  void throughputIsMeasuredOverTheLastFewSeconds() {
    ThroughputMeter meter = new ThroughputMeter();
    assertThat(meter.sample(0).rowsPerSecond()).isZero();
    meter.add(1000, 10_000);
    ThroughputMeter.Rates r = meter.sample(2000);
    assertThat(r.rowsPerSecond()).isEqualTo(500.0);
    assertThat(r.bytesPerSecond()).isEqualTo(5000.0);
    meter.sample(4000);
    ThroughputMeter.Rates later = meter.sample(8000); // the first two samples fell out of the window
    assertThat(later.rowsPerSecond()).isZero();
    assertThat(later.rowsTotal()).isEqualTo(1000);
  }
}
