package io.ferry.coordinator.progress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * "Rows per second now", per job: the rows and bytes reported over a sliding window (5 s). Progress
 * arrives in chunks (one report per committed chunk), so an instantaneous rate would jump between zero
 * and a spike; a few seconds' window smooths that while still following a slowdown quickly.
 */
public final class ThroughputTracker {

  public static final long WINDOW_MILLIS = 5_000;

  /** Rows and bytes per second. */
  public record Rate(double rowsPerSecond, double bytesPerSecond) {
    public static final Rate ZERO = new Rate(0, 0);
  }

  private record Sample(long at, long rows, long bytes) {
  }

  private final Map<String, Deque<Sample>> samples = new HashMap<>();
  private final ThroughputHistory history = new ThroughputHistory();

  /** The last hour of this tracker's jobs, in 5-second buckets. */
  public ThroughputHistory history() {
    return history;
  }

  public void record(String jobId, long rows, long bytes, long now) {
    history.record(jobId, rows, bytes, now);
    Deque<Sample> window = samples.computeIfAbsent(jobId, id -> new ArrayDeque<>());
    window.addLast(new Sample(now, rows, bytes));
    trim(window, now);
  }

  public Rate rate(String jobId, long now) {
    Deque<Sample> window = samples.get(jobId);
    if (window == null) {
      return Rate.ZERO;
    }
    trim(window, now);
    long rows = 0;
    long bytes = 0;
    for (Sample s : window) {
      rows += s.rows();
      bytes += s.bytes();
    }
    double seconds = WINDOW_MILLIS / 1000.0;
    return new Rate(rows / seconds, bytes / seconds);
  }

  public void forget(String jobId) {
    history.forget(jobId);
    samples.remove(jobId);
  }

  private static void trim(Deque<Sample> window, long now) {
    while (!window.isEmpty() && window.peekFirst().at() <= now - WINDOW_MILLIS) {
      window.removeFirst();
    }
  }
}
