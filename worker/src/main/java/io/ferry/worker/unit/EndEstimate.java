package io.ferry.worker.unit;

/**
 * When a copy unit attempt will end, from the unit's estimated rows and the attempt's pace so far. The
 * worker claims a unit's successor once its end is nearer than {@link #HORIZON_NANOS}: the claim's round
 * trip (and the lease's write in the target) then happens while this unit still copies, not while its
 * slot stands idle. With units of a few hundred milliseconds, that idle time was a third of each slot's.
 */
public final class EndEstimate {

  /**
   * A little above the slowest claim round trips seen on a loaded 2-core machine. A successor claimed this
   * early waits about this long at most, holding its lease: nothing next to units that take seconds.
   */
  public static final long HORIZON_NANOS = 1_000_000_000L;

  private final long estimatedRows;
  private final long startRows;
  private final long startNanos;

  /**
   * @param estimatedRows the unit's estimate (0 or less: unknown, the end is never near)
   * @param startRows     rows the unit had committed before this attempt (its checkpoint's)
   */
  EndEstimate(long estimatedRows, long startRows, long startNanos) {
    this.estimatedRows = estimatedRows;
    this.startRows = startRows;
    this.startNanos = startNanos;
  }

  /** Whether, having reached {@code rows} at {@code nanos}, the rest should take less than the horizon. */
  boolean near(long rows, long nanos) {
    long streamed = rows - startRows;
    if (estimatedRows <= 0 || streamed <= 0) {
      return false;
    }
    long left = estimatedRows - rows;
    return left <= 0 || (double) (nanos - startNanos) / streamed * left <= HORIZON_NANOS;
  }
}
