package io.ferry.worker.runtime;

/**
 * @param workerId           the Hazelcast member UUID of this process
 * @param maxUnits           units executed at once (each holds a source and a target connection)
 * @param heartbeatMillis    how often leases are renewed
 * @param claimIntervalMillis how often a worker with free slots asks for work
 */
public record WorkerOptions(String workerId, int maxUnits, long heartbeatMillis, long claimIntervalMillis) {

  public WorkerOptions {
    if (workerId == null || workerId.isBlank()) {
      throw new IllegalArgumentException("workerId is required");
    }
    if (maxUnits < 1) {
      throw new IllegalArgumentException("maxUnits must be at least 1, got " + maxUnits);
    }
    if (heartbeatMillis < 1 || claimIntervalMillis < 1) {
      throw new IllegalArgumentException("heartbeatMillis and claimIntervalMillis must be positive");
    }
  }

  public static WorkerOptions defaults(String workerId) {
    return new WorkerOptions(workerId, 4, 2000, 500);
  }
}
