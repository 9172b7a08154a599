package io.ferry.coordinator.schedule;

import java.time.Duration;

/**
 * How long a unit that fails retryably (a dropped connection, a database restarting, a deadlock) keeps
 * coming back: until it has been claimed {@code maxAttempts} times, or until {@code budgetMillis} have
 * passed since its first failure in a row, whichever comes first. Then it fails with its last cause.
 *
 * <p>Two budgets because each alone is wrong: attempts alone make a restart that takes two minutes fail
 * a unit whose backoffs happened to be short, and time alone lets a unit that fails at once, every time,
 * hammer the database until the clock runs out.
 */
public record RetryPolicy(int maxAttempts, long budgetMillis) {

  public static final int DEFAULT_MAX_ATTEMPTS = 10;
  public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(10);

  public RetryPolicy {
    if (maxAttempts <= 0) {
      throw new IllegalArgumentException("maxAttempts must be > 0, got " + maxAttempts);
    }
    if (budgetMillis <= 0) {
      throw new IllegalArgumentException("the retry budget must be > 0, got " + budgetMillis + " ms");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_BUDGET.toMillis());
  }

  /**
   * Why a unit failing again now may not come back, or null when it may.
   *
   * @param attempts      the claims the unit has had so far
   * @param failingSince  when its current run of failures began
   */
  public String exhausted(int attempts, long failingSince, long now) {
    if (attempts >= maxAttempts) {
      return "gave up after " + attempts + " attempt(s), the most allowed";
    }
    long spent = now - failingSince;
    if (spent >= budgetMillis) {
      return "gave up after " + attempts + " attempt(s) over " + Duration.ofMillis(spent).toSeconds()
          + " s: the retry budget of " + Duration.ofMillis(budgetMillis).toSeconds() + " s is spent";
    }
    return null;
  }

  /** The wait before the next attempt, never past the end of the budget (a last attempt still fits). */
  public long nextWait(long previousWait, long failingSince, long now, java.util.random.RandomGenerator random) {
    long wait = Backoff.next(previousWait, random);
    long left = failingSince + budgetMillis - now;
    return Math.max(0, Math.min(wait, left - 1));
  }
}
