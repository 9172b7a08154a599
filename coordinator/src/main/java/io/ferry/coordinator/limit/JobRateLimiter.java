package io.ferry.coordinator.limit;

import io.ferry.protocol.message.PermitReply;
import io.ferry.protocol.spec.Limits;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The cluster-wide rate limits of every job. Workers reserve rows and bytes here before writing them
 * ({@code ferry.limit.permit}); because every reservation of a job goes through one bucket in the
 * coordinator, the limit holds whatever the number of workers. Reservations are sized to about a tenth
 * of a second of the limit, so the rate is smooth and a changed limit takes effect within a fraction of
 * a second; unlimited jobs get large batches and no wait.
 *
 * <p>Event-loop confined.
 */
public final class JobRateLimiter {

  /** Reservations carry about this much of the rate: ten per second per job, whatever the worker count. */
  private static final double BATCH_SECONDS = 0.1;

  private record Buckets(TokenBucket rows, TokenBucket bytes) {
  }

  private final Map<String, Buckets> jobs = new HashMap<>();
  private final Map<String, Long> waitedNanos = new HashMap<>();
  private final LongSupplier nanoClock;

  public JobRateLimiter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Sets (or replaces, or with {@link Limits#NONE} removes) the rate limits of a job. */
  public void configure(String jobId, Limits limits) {
    long now = nanoClock.getAsLong();
    Buckets current = jobs.get(jobId);
    TokenBucket rows = bucket(current == null ? null : current.rows(), limits.rowsPerSecond(), now);
    TokenBucket bytes = bucket(current == null ? null : current.bytes(), limits.bytesPerSecond(), now);
    if (rows == null && bytes == null) {
      jobs.remove(jobId);
    } else {
      jobs.put(jobId, new Buckets(rows, bytes));
    }
  }

  private static TokenBucket bucket(TokenBucket current, Long rate, long now) {
    if (rate == null) {
      return null;
    }
    if (current == null) {
      return new TokenBucket(rate, now);
    }
    current.setRate(rate, now);
    return current;
  }

  public void forget(String jobId) {
    jobs.remove(jobId);
  }

  public PermitReply reserve(String jobId, long rows, long bytes) {
    Buckets buckets = jobs.get(jobId);
    if (buckets == null) {
      return PermitReply.UNLIMITED;
    }
    long now = nanoClock.getAsLong();
    long wait = 0;
    long nextRows = PermitReply.UNLIMITED.nextRows();
    long nextBytes = PermitReply.UNLIMITED.nextBytes();
    if (buckets.rows() != null) {
      wait = Math.max(wait, buckets.rows().reserve(rows, now));
      nextRows = Math.max(1, (long) (buckets.rows().rate() * BATCH_SECONDS));
    }
    if (buckets.bytes() != null) {
      wait = Math.max(wait, buckets.bytes().reserve(bytes, now));
      nextBytes = Math.max(1, (long) (buckets.bytes().rate() * BATCH_SECONDS));
    }
    waitedNanos.merge(jobId, wait, Long::sum);
    return new PermitReply(wait / 1_000_000, nextRows, nextBytes);
  }

  /** Total time the job's writers were told to wait, in seconds (the rate-limit wait metric). */
  public double waitedSeconds(String jobId) {
    return waitedNanos.getOrDefault(jobId, 0L) / 1e9;
  }
}
