package io.ferry.protocol.message;

/**
 * A unit ended on a worker. {@code retryable}: the failure came from a connection or server state that
 * may pass (the coordinator retries the unit, within its attempt budget); otherwise the unit fails.
 * {@code rejected}: the unit's rows recorded in {@code ferry.rejects} (not among {@code rows}).
 * {@code findings}: what a verify unit found (null for every other kind, and for a failed unit).
 */
public record UnitResult(String jobId, String unitId, long epoch, String workerId, boolean ok, long rows,
                         long bytes, String error, boolean retryable, long rejected, VerifyFindings findings) {

  public UnitResult(String jobId, String unitId, long epoch, String workerId, boolean ok, long rows, long bytes,
      String error, boolean retryable, long rejected) {
    this(jobId, unitId, epoch, workerId, ok, rows, bytes, error, retryable, rejected, null);
  }

  public UnitResult(String jobId, String unitId, long epoch, String workerId, boolean ok, long rows, long bytes,
      String error, boolean retryable) {
    this(jobId, unitId, epoch, workerId, ok, rows, bytes, error, retryable, 0);
  }
}
