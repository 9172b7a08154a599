package io.ferry.worker.unit;

/** Told after every committed chunk of a unit, and every rejected row it recorded (on the unit's thread). */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (rows, bytes, rowsDelta, bytesDelta) -> { };

  /** {@code rows}/{@code bytes}: the unit's totals so far; the deltas: this chunk. */
  void committed(long rows, long bytes, long rowsDelta, long bytesDelta);

  /**
   * The same with {@code rejected}, the unit's rows recorded in {@code ferry.rejects} so far; a recorded
   * rejected row is reported with both deltas 0. Copy units report through this method; a listener that
   * does not count rejected rows need not implement it.
   */
  default void committed(long rows, long bytes, long rejected, long rowsDelta, long bytesDelta) {
    committed(rows, bytes, rowsDelta, bytesDelta);
  }

  /** With each committed chunk of a copy unit: the time it waited for source rows and spent writing to the target. */
  default void timed(long sourceReadNanos, long targetWriteNanos) {
  }
}
