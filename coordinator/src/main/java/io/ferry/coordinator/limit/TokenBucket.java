package io.ferry.coordinator.limit;

/**
 * A token bucket that hands out reservations: a caller takes what it needs at once and is told how long
 * to wait before using it. Debt is allowed (the balance goes negative), so large requests are never
 * starved and the long-run rate is exact; the balance starts at zero and holds at most one second of
 * rate, so neither the start nor an idle spell produces a burst above the limit.
 *
 * <p>Not thread-safe: the coordinator calls it from its event loop only.
 */
final class TokenBucket {

  private double ratePerSecond;
  private double balance;
  private long lastNanos;

  TokenBucket(double ratePerSecond, long nowNanos) {
    this.ratePerSecond = ratePerSecond;
    this.lastNanos = nowNanos;
  }

  /** Takes {@code amount} tokens; returns the nanoseconds to wait until they are covered (0: now). */
  long reserve(double amount, long nowNanos) {
    refill(nowNanos);
    balance -= amount;
    return balance >= 0 ? 0 : (long) Math.ceil(-balance / ratePerSecond * 1e9);
  }

  /** A new rate applies from now on; a debt already incurred is paid at the new rate. */
  void setRate(double newRate, long nowNanos) {
    refill(nowNanos);
    ratePerSecond = newRate;
    balance = Math.min(balance, newRate);
  }

  double rate() {
    return ratePerSecond;
  }

  private void refill(long nowNanos) {
    double elapsed = Math.max(0, nowNanos - lastNanos) / 1e9;
    balance = Math.min(ratePerSecond, balance + elapsed * ratePerSecond);
    lastNanos = nowNanos;
  }
}
