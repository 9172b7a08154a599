package io.ferry.protocol.message;

import java.util.List;

/**
 * The coordinator's answer to a heartbeat. Units are named {@code jobId/unitId}.
 *
 * @param lostUnits units the worker named that it no longer holds a lease on: stop them at once, commit
 *                  nothing more, report nothing (another worker may hold them now)
 * @param stopUnits units to stop at their next chunk boundary (job paused or cancelled): commit the chunk
 *                  with its checkpoint, then report the unit as "worker stopping" so it is released
 */
public record HeartbeatReply(List<String> lostUnits, List<String> stopUnits) {

  public HeartbeatReply(List<String> lostUnits) {
    this(lostUnits, List.of());
  }
}
