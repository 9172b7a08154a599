package io.ferry.coordinator.schedule;

import io.ferry.protocol.unit.WorkUnit;

/** Told how many rows and bytes a unit moved since its last report (for throughput and metrics). */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (unit, rows, bytes, now) -> { };

  void advanced(WorkUnit unit, long rowsDelta, long bytesDelta, long now);
}
