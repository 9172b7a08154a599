package io.ferry.protocol.message;

import java.util.List;

/**
 * A worker is alive and still works on {@code activeUnits}, named {@code jobId/unitId} (renews their leases).
 *
 * @param activeUnits   every unit the worker holds: those running and the successors waiting for a slot
 * @param rowsPerSecond rows this worker committed per second over its last few seconds
 * @param heldUnits     those of {@code activeUnits} that wait for a slot, not started yet (a coordinator that
 *                      does not know this field still renews them as active; absent from an older worker)
 * @param startedAt     when the worker's process started (epoch milliseconds; 0 from an older worker): its uptime
 */
public record Heartbeat(String workerId, String host, long pid, int maxUnits, List<String> activeUnits,
                        double rowsPerSecond, double bytesPerSecond, long rowsTotal, List<String> heldUnits,
                        long startedAt) {

  /** A heartbeat that does not say when its worker started. */
  public Heartbeat(String workerId, String host, long pid, int maxUnits, List<String> activeUnits,
      double rowsPerSecond, double bytesPerSecond, long rowsTotal, List<String> heldUnits) {
    this(workerId, host, pid, maxUnits, activeUnits, rowsPerSecond, bytesPerSecond, rowsTotal, heldUnits, 0);
  }

  /** A heartbeat that names no waiting successor. */
  public Heartbeat(String workerId, String host, long pid, int maxUnits, List<String> activeUnits,
      double rowsPerSecond, double bytesPerSecond, long rowsTotal) {
    this(workerId, host, pid, maxUnits, activeUnits, rowsPerSecond, bytesPerSecond, rowsTotal, List.of(), 0);
  }
}
