package io.ferry.coordinator;

import io.ferry.protocol.Addresses;
import io.vertx.core.Context;

/**
 * Tells idle workers that units became claimable ({@link Addresses#UNITS_READY}), so a freed dependency
 * (a prepare done, a table's last copy done) is picked up at once instead of at each worker's next claim
 * tick — up to half a second of every job's setup and finish otherwise. Many changes in one event-loop
 * turn (a prepare unblocking a thousand copies) make one publish.
 *
 * <p>Runs on the coordinator's event loop, like the job board that calls it.
 */
final class UnitsReadyHint implements Runnable {

  private final Context context;
  private boolean scheduled;

  UnitsReadyHint(Context context) {
    this.context = context;
  }

  @Override
  public void run() {
    if (scheduled) {
      return;
    }
    scheduled = true;
    context.runOnContext(v -> {
      scheduled = false;
      context.owner().eventBus().publish(Addresses.UNITS_READY, "");
    });
  }
}
