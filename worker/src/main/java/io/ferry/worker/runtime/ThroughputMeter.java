package io.ferry.worker.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows and bytes committed by this worker, and their rates over the last few seconds. Units add from
 * their threads; {@link #sample} is called from the event loop only (it owns the sample window).
 */
final class ThroughputMeter {

  static final long WINDOW_MILLIS = 5_000;

  record Rates(double rowsPerSecond, double bytesPerSecond, long rowsTotal) {
  }

  private record Sample(long at, long rows, long bytes) {
  }

  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final ArrayDeque<Sample> window = new ArrayDeque<>();

  void add(long rowsDelta, long bytesDelta) {
    rows.addAndGet(rowsDelta);
    bytes.addAndGet(bytesDelta);
  }

  Rates sample(long nowMillis) {
    Sample now = new Sample(nowMillis, rows.get(), bytes.get());
    window.addLast(now);
    while (window.size() > 1 && nowMillis - window.peekFirst().at() > WINDOW_MILLIS) {
      window.removeFirst();
    }
    Sample first = window.peekFirst();
    double seconds = (now.at() - first.at()) / 1000.0;
    if (seconds <= 0) {
      return new Rates(0, 0, now.rows());
    }
    return new Rates((now.rows() - first.rows()) / seconds, (now.bytes() - first.bytes()) / seconds, now.rows());
  }
}
