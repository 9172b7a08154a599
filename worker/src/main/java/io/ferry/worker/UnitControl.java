package io.ferry.worker;

/**
 * Signals to a running unit, set from the event loop and read by the unit's thread between chunks.
 * Lease lost: the coordinator gave the unit away, so the unit must not commit again and reports
 * nothing. Stopping: the worker is shutting down; the unit ends at its next chunk boundary.
 */
public final class UnitControl {

  private volatile boolean leaseLost;
  private volatile boolean stopping;

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
