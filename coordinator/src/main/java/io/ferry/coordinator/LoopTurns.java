package io.ferry.coordinator;

import io.ferry.coordinator.schedule.NextTurn;
import io.vertx.core.Context;

/**
 * {@link NextTurn} on the coordinator verticle's event loop: a 1 ms timer set on that loop's context, so the
 * work runs there (where all job and unit state lives) after the loop has read its sockets.
 */
final class LoopTurns implements NextTurn {

  private final Context context;

  LoopTurns(Context context) {
    this.context = context;
  }

  @Override
  public void later(Runnable work) {
    // Set from the context itself, the timer fires on it; on the loop already, the hop adds no round.
    context.runOnContext(v -> context.owner().setTimer(1, id -> work.run()));
  }
}
