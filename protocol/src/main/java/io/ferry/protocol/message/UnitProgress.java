package io.ferry.protocol.message;

/**
 * A chunk of a unit committed, or a rejected row was recorded: the unit's totals so far.
 *
 * @param rejected rows the target rejected, recorded in {@code ferry.rejects} (see {@code onRowError})
 */
public record UnitProgress(String jobId, String unitId, long epoch, String workerId, long rows, long bytes,
                           long rejected) {

  public UnitProgress(String jobId, String unitId, long epoch, String workerId, long rows, long bytes) {
    this(jobId, unitId, epoch, workerId, rows, bytes, 0);
  }
}
