package io.ferry.coordinator.schedule;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with decorrelated jitter (the AWS architecture blog's variant, as in pgcopydb's
 * connection retries): each wait is random between the base and three times the previous wait, capped.
 * The randomness spreads the retries of many units that failed together (a source restart) instead of
 * sending them back at the same instant.
 */
public final class Backoff {

  public static final long BASE_MILLIS = 1_000;
  public static final long CAP_MILLIS = 30_000;

  private Backoff() {
  }

  /** @param previous the previous wait, or 0 for the first retry */
  public static long next(long previous, RandomGenerator random) {
    long prev = Math.max(previous, BASE_MILLIS);
    long upper = Math.min(CAP_MILLIS, prev * 3);
    long wait = upper <= BASE_MILLIS ? BASE_MILLIS : BASE_MILLIS + random.nextLong(upper - BASE_MILLIS + 1);
    return Math.min(CAP_MILLIS, wait);
  }
}
