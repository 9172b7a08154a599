package io.ferry.worker;

/** Told after every committed chunk of a unit (on the unit's thread). */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (rows, bytes, rowsDelta, bytesDelta) -> { };

  /** {@code rows}/{@code bytes}: the unit's totals so far; the deltas: this chunk. */
  void committed(long rows, long bytes, long rowsDelta, long bytesDelta);
}
