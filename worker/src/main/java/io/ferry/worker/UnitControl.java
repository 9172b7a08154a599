package io.ferry.worker;

/**
 * Signals to a running unit, set from the event loop and read by the unit's thread between chunks.
 * Lease lost: the coordinator gave the unit away, so the unit must not commit again and reports
 * nothing. Stopping: the worker is shutting down; the unit ends at its next chunk boundary.
 * Ending goes the other way: the unit tells the worker it has read its last row and only commits now.
 */
public final class UnitControl {

  private final Runnable onEnding;
  private volatile boolean leaseLost;
  private volatile boolean stopping;
  private volatile boolean ending;

  public UnitControl() {
    this(() -> { });
  }

  /** @param onEnding run (on the unit's thread) when the unit says it is {@link #ending()} */
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
