package io.ferry.coordinator.job;

import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The state changes a work unit may make, in one table; the job board refuses any other ({@link #check}).
 * Staying in a state is always allowed (progress, lease renewals and errors change a unit but not its state).
 */
public final class UnitTransitions {

  private static final Map<UnitState, Set<UnitState>> ALLOWED = new EnumMap<>(UnitState.class);

  static {
    // Done from any state: at start-up, a unit whose checkpoint says done is done (the checkpoint is the truth).
    ALLOWED.put(UnitState.BLOCKED, EnumSet.of(UnitState.PENDING, UnitState.DONE));
    // Claimed; blocked again when a rollback resets it.
    ALLOWED.put(UnitState.PENDING, EnumSet.of(UnitState.LEASED, UnitState.BLOCKED, UnitState.DONE));
    // Back to the queue (lease lost, worker stopping, retryable error), done, or failed for good.
    ALLOWED.put(UnitState.LEASED, EnumSet.of(UnitState.PENDING, UnitState.DONE, UnitState.FAILED));
    // A rollback resets it to be copied again.
    ALLOWED.put(UnitState.DONE, EnumSet.of(UnitState.BLOCKED));
    // Retried on request, or reset by a rollback.
    ALLOWED.put(UnitState.FAILED, EnumSet.of(UnitState.PENDING, UnitState.BLOCKED, UnitState.DONE));
  }

  private UnitTransitions() {
  }

  public static boolean allowed(UnitState from, UnitState to) {
    return from == to || ALLOWED.get(from).contains(to);
  }

  /** Refuses a change the table does not allow, naming the unit, both states and what is allowed. */
  public static void check(WorkUnit before, WorkUnit after) {
    if (!allowed(before.state(), after.state())) {
      throw new IllegalStateException(after.describe() + " cannot go from " + before.state().wireName() + " to "
          + after.state().wireName() + " (from " + before.state().wireName() + " it may become only "
          + String.join(", ", ALLOWED.get(before.state()).stream().map(UnitState::wireName).toList()) + ")");
    }
  }
}
