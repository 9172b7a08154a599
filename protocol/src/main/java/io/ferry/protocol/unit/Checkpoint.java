package io.ferry.protocol.unit;

import java.util.List;

/**
 * The durable progress of a work unit, one row in the target's {@code ferry.checkpoints}, written in the
 * same target transaction as the rows it counts.
 *
 * @param lastKey the key of the last row committed (null before the first chunk)
 * @param rows     rows written to the target (rejected rows are not among them)
 * @param chunks   how many chunk transactions committed this unit's rows
 * @param rejected rows the target rejected and {@code ferry.rejects} holds, each committed with the
 *                 checkpoint that moved past its key
 */
public record Checkpoint(String jobId, String unitId, long epoch, List<String> lastKey, long rows, long bytes,
                         int chunks, boolean done, long rejected) {

  /** A checkpoint of a unit without rejected rows. */
  public Checkpoint(String jobId, String unitId, long epoch, List<String> lastKey, long rows, long bytes, int chunks,
      boolean done) {
    this(jobId, unitId, epoch, lastKey, rows, bytes, chunks, done, 0);
  }
}
