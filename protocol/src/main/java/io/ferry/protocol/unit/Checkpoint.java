package io.ferry.protocol.unit;

import java.util.List;

/**
 * The durable progress of a work unit, one row in the target's {@code ferry.checkpoints}, written in the
 * same target transaction as the rows it counts.
 *
 * @param lastKey the key of the last row committed (null before the first chunk)
 * @param chunks  how many chunk transactions committed this unit's rows
 */
public record Checkpoint(String jobId, String unitId, long epoch, List<String> lastKey, long rows, long bytes,
                         int chunks, boolean done) {
}
