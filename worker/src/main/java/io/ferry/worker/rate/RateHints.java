package io.ferry.worker.rate;

import io.ferry.protocol.message.PermitReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What this worker last heard from the coordinator about each job's rate limit: whether the job was
 * unlimited. Shared by the worker's units, so a new unit of an unlimited job need not ask before its
 * first row ({@link RateMeter#begin}).
 *
 * <p>An "unlimited" answer is trusted for {@link #TRUSTED} only: a unit smaller than the unlimited batch
 * never reserves, so a worker whose units are all that small would otherwise never hear of a limit set
 * since (a verify unit's digest counts once, its whole range). After that the next unit asks again,
 * which costs at most one round trip a second per job and worker.
 */
public final class RateHints {

  /** How long an "unlimited" answer holds. */
  static final long TRUSTED = TimeUnit.SECONDS.toNanos(1);

  /** When each job was last heard unlimited ({@link #clock} time); absent once heard limited. */
  private final Map<String, Long> unlimitedAt = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public RateHints() {
    this(System::nanoTime);
  }

  RateHints(LongSupplier clock) {
    this.clock = clock;
  }

  boolean unlimited(String jobId) {
    Long at = unlimitedAt.get(jobId);
    return at != null && clock.getAsLong() - at < TRUSTED;
  }

  /** Notes the answer for the job and returns it. */
  PermitReply record(String jobId, PermitReply reply) {
    if (reply.unlimited()) {
      unlimitedAt.put(jobId, clock.getAsLong());
    } else {
      unlimitedAt.remove(jobId);
    }
    return reply;
  }
}
