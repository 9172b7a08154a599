package io.ferry.worker.dialect;

/** What the target already holds for one table. */
public record TargetState(boolean exists, boolean hasRows) {
}
