package io.ferry.protocol.message;

/**
 * A unit ended on a worker. {@code retryable}: the failure came from a connection or server state that
 * may pass (the coordinator retries the unit, within its attempt budget); otherwise the unit fails.
 */
public record UnitResult(String jobId, String unitId, long epoch, String workerId, boolean ok, long rows,
                         long bytes, String error, boolean retryable) {
}
