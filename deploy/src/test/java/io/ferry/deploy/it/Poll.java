package io.ferry.deploy.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Asserts by polling: a condition must come true within a deadline (never a fixed sleep as an assertion). */
final class Poll {

  private Poll() {
  }

  /** Polls {@code value} every 100 ms until it is non-null and returns it; fails naming {@code what} after {@code limit}. */
  static <T> T until(String what, Duration limit, Callable<T> value) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    Exception last = null;
    while (true) {
      try {
        T v = value.call();
        if (v != null) {
          return v;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit.toSeconds() + " s: " + what
            + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
      }
      Thread.sleep(100);
    }
  }

  /** Polls until {@code condition} holds. */
  static void untilTrue(String what, Duration limit, Callable<Boolean> condition) throws Exception {
    until(what, limit, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
  }
}
