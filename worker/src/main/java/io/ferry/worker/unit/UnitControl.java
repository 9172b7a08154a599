package io.ferry.worker.unit;

/**
 * Signals to a running unit, set from the event loop and read by the unit's thread between chunks.
 * Lease lost: the coordinator gave the unit away, so the unit must not commit again and reports
 * nothing. Stopping: the worker is shutting down; the unit ends at its next chunk boundary.
 * Ending goes the other way: the unit tells the worker that it will end soon (the worker claims its
 * successor), then that it has read its last row and only commits now (the worker starts the successor).
 */
public final class UnitControl {

  /**
   * A small unit's successors: enough that a slot has work for a claim's round trip when each unit takes
   * a few milliseconds, and few enough that the units a worker holds unstarted are tens of milliseconds of
   * work. Units of ~200 rows ran 9% faster with 8 than with 4 (deploy/bench/ab.sh).
   */
  public static final int SMALL_UNIT_SUCCESSORS = 8;

  private final Runnable onEnding;
  private volatile boolean leaseLost;
  private volatile boolean stopping;
  private volatile boolean endingSoon;
  private volatile boolean small;
  private volatile boolean ending;

  public UnitControl() {
    this(() -> { });
  }

  /** @param onEnding run (on the unit's thread) when the unit says it is {@link #endingSoon()}, and again at {@link #ending()} */
  public UnitControl(Runnable onEnding) {
    this.onEnding = onEnding;
  }

  /**
   * The unit has read its source to the end and is committing its last chunk: the worker may claim the
   * next unit for this slot now, so the claim's round trip overlaps that commit instead of following it.
   */
  public void ending() {
    if (!ending) {
      ending = true;
      onEnding.run();
    }
  }

  /** The unit expects to end within {@link EndEstimate#HORIZON_NANOS}: the worker may claim its successor now. */
  public void endingSoon() {
    if (!endingSoon) {
      endingSoon = true;
      onEnding.run();
    }
  }

  /**
   * The unit is smaller than one write buffer: it may end before its first flush, where its end is
   * estimated, so it is ending soon from its start, and it wants {@link #SMALL_UNIT_SUCCESSORS}
   * successors, not one. Such units take 2–3 ms on two cores and a claim's round trip 10–15 ms: with one
   * successor claimed at a time, slots stood idle four fifths of the time.
   */
  public void small() {
    small = true;
    endingSoon();
  }

  /** How many claimed successors this unit wants waiting for its slot once it is {@link #isEndingSoon()}. */
  public int successorsWanted() {
    return small ? SMALL_UNIT_SUCCESSORS : 1;
  }

  public boolean isEndingSoon() {
    return endingSoon;
  }

  public boolean isEnding() {
    return ending;
  }

  public void loseLease() {
    leaseLost = true;
  }

  public void stop() {
    stopping = true;
  }

  public boolean leaseLost() {
    return leaseLost;
  }

  public boolean stopping() {
    return stopping;
  }
}
