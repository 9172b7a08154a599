package io.ferry.protocol.message;

/** A chunk of a unit committed: the unit's totals so far. */
public record UnitProgress(String jobId, String unitId, long epoch, String workerId, long rows, long bytes) {
}
