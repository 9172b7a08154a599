package io.ferry.coordinator.progress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows and bytes per job in 5-second buckets over the last hour (720 buckets in a ring): the series
 * behind {@code GET /api/v1/jobs/{id}/throughput}, the dashboard's chart and {@code ferry status}.
 * Memory is fixed per job whatever its length. Event-loop confined.
 */
public final class ThroughputHistory {

  public static final long BUCKET_MILLIS = 5_000;
  public static final int BUCKETS = 720;

  /** One bucket: its start, and the rows and bytes per second committed during it. */
  public record Point(long at, double rowsPerSecond, double bytesPerSecond) {
  }

  private static final class Ring {
    final long[] start = new long[BUCKETS];
    final long[] rows = new long[BUCKETS];
    final long[] bytes = new long[BUCKETS];
  }

  private final Map<String, Ring> jobs = new HashMap<>();

  public void record(String jobId, long rows, long bytes, long now) {
    Ring ring = jobs.computeIfAbsent(jobId, id -> new Ring());
    long bucketStart = now - Math.floorMod(now, BUCKET_MILLIS);
    int i = (int) Math.floorMod(bucketStart / BUCKET_MILLIS, (long) BUCKETS);
    if (ring.start[i] != bucketStart) {
      // The slot held a bucket from an hour ago (or nothing): reuse it.
      ring.start[i] = bucketStart;
      ring.rows[i] = 0;
      ring.bytes[i] = 0;
    }
    ring.rows[i] += rows;
    ring.bytes[i] += bytes;
  }

  /**
   * Every bucket from {@code since} (clamped to the last hour) up to the current one, oldest first; buckets
   * without progress are zeros, so the series has no gaps.
   */
  public List<Point> points(String jobId, long since, long now) {
    Ring ring = jobs.get(jobId);
    long current = now - Math.floorMod(now, BUCKET_MILLIS);
    long first = Math.max(since - Math.floorMod(since, BUCKET_MILLIS), current - (BUCKETS - 1) * BUCKET_MILLIS);
    List<Point> points = new ArrayList<>();
    double seconds = BUCKET_MILLIS / 1000.0;
    for (long t = first; t <= current; t += BUCKET_MILLIS) {
      int i = (int) Math.floorMod(t / BUCKET_MILLIS, (long) BUCKETS);
      boolean hit = ring != null && ring.start[i] == t;
      points.add(new Point(t, hit ? ring.rows[i] / seconds : 0, hit ? ring.bytes[i] / seconds : 0));
    }
    return points;
  }

  public void forget(String jobId) {
    jobs.remove(jobId);
  }
}
