package io.ferry.protocol.message;

import java.util.List;

/**
 * A worker is alive and still works on {@code activeUnits}, named {@code jobId/unitId} (renews their leases).
 *
 * @param rowsPerSecond rows this worker committed per second over its last few seconds
 */
public record Heartbeat(String workerId, String host, long pid, int maxUnits, List<String> activeUnits,
                        double rowsPerSecond, double bytesPerSecond, long rowsTotal) {
}
