package io.ferry.worker.unit;

import io.ferry.worker.rate.RateGate;

/**
 * Splits a copy unit's time between waiting for source rows and writing to the target, for the worker's
 * timers. Writes are timed where they happen (one per 256 KB buffer, per chunk start and commit); reading
 * is the rest of the stretch, less the time the rate limits held the unit, so no clock is read per row.
 */
final class CopyClock {

  private final RateGate rate;
  private long mark;
  private long rateAtMark;
  private long writing;

  CopyClock(RateGate rate) {
    this.rate = rate;
  }

  /** A stretch of reading and writing begins. */
  void start() {
    mark = System.nanoTime();
    rateAtMark = rate.heldNanos();
    writing = 0;
  }

  /** Adds the time since {@code startedAt} (a {@link System#nanoTime()}) to the target's share. */
  void wrote(long startedAt) {
    writing += System.nanoTime() - startedAt;
  }

  /** Tells {@code progress} the stretch's shares and starts the next stretch. */
  void report(ProgressListener progress) {
    long now = System.nanoTime();
    long held = rate.heldNanos() - rateAtMark;
    progress.timed(Math.max(0, now - mark - writing - held), writing);
    mark = now;
    rateAtMark += held;
    writing = 0;
  }
}
