package io.ferry.worker;

/**
 * Signals to a running unit, set from the event loop and read by the unit's thread between chunks.
 * Lease lost: the coordinator gave the unit away, so the unit must not commit again and reports
 * nothing. Stopping: the worker is shutting down; the unit ends at its next chunk boundary.
 * Ending goes the other way: the unit tells the worker that it will end soon (the worker claims its
 * successor), then that it has read its last row and only commits now (the worker starts the successor).
 */
public final class UnitControl {

  private final Runnable onEnding;
  private volatile boolean leaseLost;
  private volatile boolean stopping;
  private volatile boolean endingSoon;
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
