package io.ferry.coordinator.schedule;

import io.ferry.protocol.unit.WorkUnit;

/** Told how many rows and bytes a unit moved since its last report (for throughput and metrics). */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (unit, rows, bytes, now) -> { };

  void advanced(WorkUnit unit, long rowsDelta, long bytesDelta, long now);

  /** The target rejected {@code rowsDelta} more rows of the unit, recorded in its {@code ferry.rejects}. */
  default void rejected(WorkUnit unit, long rowsDelta) {
  }

  /** A failed attempt of the unit goes back to the queue for another try. */
  default void retried(WorkUnit unit) {
  }

  /** The unit failed for good (its budget spent, or an error that no retry can fix). */
  default void failed(WorkUnit unit) {
  }
}
