package io.ferry.worker.unit;

import io.ferry.protocol.message.VerifyFindings;

/**
 * How a unit attempt ended on this worker.
 *
 * @param silent   nothing is reported: the lease was lost and the coordinator already gave the unit away
 * @param rejected rows the target rejected that the unit recorded in {@code ferry.rejects} (not in {@code rows})
 * @param findings what a verify unit found; null for other kinds
 */
public record UnitOutcome(boolean ok, long rows, long bytes, String error, boolean retryable, boolean silent,
                          long rejected, VerifyFindings findings) {

  public UnitOutcome(boolean ok, long rows, long bytes, String error, boolean retryable, boolean silent, long rejected) {
    this(ok, rows, bytes, error, retryable, silent, rejected, null);
  }

  public static final String STOPPING = "worker stopping";
  public static final String LEASE_LOST = "lease lost";

  public static UnitOutcome ok(long rows, long bytes) {
    return ok(rows, bytes, 0);
  }

  public static UnitOutcome ok(long rows, long bytes, long rejected) {
    return new UnitOutcome(true, rows, bytes, null, false, false, rejected);
  }

  /** A verify unit that compared its slice, clean or not; {@code rows} counts the source's. */
  public static UnitOutcome verified(VerifyFindings findings) {
    return new UnitOutcome(true, findings.sourceRows(), 0, null, false, false, 0, findings);
  }

  public static UnitOutcome failed(String error, boolean retryable, long rows, long bytes) {
    return new UnitOutcome(false, rows, bytes, error, retryable, false, 0);
  }

  public static UnitOutcome silent(long rows, long bytes) {
    return new UnitOutcome(false, rows, bytes, LEASE_LOST, false, true, 0);
  }
}
