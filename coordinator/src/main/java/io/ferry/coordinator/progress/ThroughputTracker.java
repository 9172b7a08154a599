package io.ferry.coordinator.progress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * "Rows per second now", per job: the rows and bytes reported over a sliding window. Progress arrives in
 * chunks (one report per committed chunk), so an instantaneous rate would jump between zero and a spike.
 * The window is 5 s, or four times the recent gap between the job's reports when that is longer (up to
 * a minute): under a rate limit a unit commits a chunk every few seconds, and a 5 s window read 0
 * between two of them while rows moved.
 */
public final class ThroughputTracker {

  public static final long WINDOW_MILLIS = 5_000;
  /** The longest window, and how long reports are kept. */
  static final long MAX_WINDOW_MILLIS = 60_000;
  /** The window holds about this many of the job's reports when they are sparse. */
  private static final int REPORTS_PER_WINDOW = 4;
  /** Reports the recent gap is measured over. */
  private static final int RECENT_REPORTS = 8;
  /**
   * Reports within this long of a sample's start add to it: a job finishing thousands of units a second
   * kept a minute of them, one sample each, and every status request went through them all.
   */
  static final long SAMPLE_MILLIS = 50;

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
    Sample last = window.peekLast();
    if (last != null && now >= last.at() && now - last.at() < SAMPLE_MILLIS) {
      window.removeLast();
      window.addLast(new Sample(last.at(), last.rows() + rows, last.bytes() + bytes));
    } else {
      window.addLast(new Sample(now, rows, bytes));
    }
    trim(window, now);
  }

  public Rate rate(String jobId, long now) {
    Deque<Sample> window = samples.get(jobId);
    if (window == null) {
      return Rate.ZERO;
    }
    trim(window, now);
    long millis = windowMillis(window, now);
    long rows = 0;
    long bytes = 0;
    for (Sample s : window) {
      if (s.at() > now - millis) {
        rows += s.rows();
        bytes += s.bytes();
      }
    }
    double seconds = millis / 1000.0;
    return new Rate(rows / seconds, bytes / seconds);
  }

  /**
   * {@link #WINDOW_MILLIS}, or {@link #REPORTS_PER_WINDOW} times the mean gap between the job's last
   * reports (with one report, the time since it), at most {@link #MAX_WINDOW_MILLIS}.
   */
  private static long windowMillis(Deque<Sample> window, long now) {
    long last = window.isEmpty() ? now : window.peekLast().at();
    long gap = now - last;
    int seen = 0;
    long first = last;
    for (Iterator<Sample> it = window.descendingIterator(); it.hasNext() && seen <= RECENT_REPORTS; seen++) {
      first = it.next().at();
    }
    if (seen >= 2) {
      gap = (last - first) / (seen - 1);
    }
    return Math.max(WINDOW_MILLIS, Math.min(MAX_WINDOW_MILLIS, REPORTS_PER_WINDOW * gap));
  }

  public void forget(String jobId) {
    history.forget(jobId);
    samples.remove(jobId);
  }

  private static void trim(Deque<Sample> window, long now) {
    while (!window.isEmpty() && window.peekFirst().at() <= now - MAX_WINDOW_MILLIS) {
      window.removeFirst();
    }
  }
}
