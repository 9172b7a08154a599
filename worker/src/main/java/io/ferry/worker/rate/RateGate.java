package io.ferry.worker.rate;

/**
 * Where a copy unit reports every row it writes, so that its job's rate limits can hold it back. Called
 * on the unit's own thread; an implementation may block it (that is the point).
 */
@FunctionalInterface
public interface RateGate {

  RateGate NONE = (rows, bytes) -> { };

  void written(long rows, long bytes);

  /** The unit is starting: a gate may ask for its first budget now, so the answer is there by the first row. */
  default void begin() {
  }

  /** How long the gate has held the unit back so far. */
  default long heldNanos() {
    return 0;
  }
}
