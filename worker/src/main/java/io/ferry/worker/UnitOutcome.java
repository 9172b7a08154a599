package io.ferry.worker;

/**
 * How a unit attempt ended on this worker.
 *
 * @param silent nothing is reported: the lease was lost and the coordinator already gave the unit away
 */
public record UnitOutcome(boolean ok, long rows, long bytes, String error, boolean retryable, boolean silent) {

  public static final String STOPPING = "worker stopping";
  public static final String LEASE_LOST = "lease lost";

  public static UnitOutcome ok(long rows, long bytes) {
    return new UnitOutcome(true, rows, bytes, null, false, false);
  }

  public static UnitOutcome failed(String error, boolean retryable, long rows, long bytes) {
    return new UnitOutcome(false, rows, bytes, error, retryable, false);
  }

  public static UnitOutcome silent(long rows, long bytes) {
    return new UnitOutcome(false, rows, bytes, LEASE_LOST, false, true);
  }
}
