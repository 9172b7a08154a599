package io.ferry.bench;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A worker without databases, speaking the real protocol to the coordinator on the event bus: it claims
 * up to {@code slots} units at a time (on each claim tick, each {@code units ready} hint and each freed
 * slot, as a worker does), "executes" each for {@code unitMillis} (0: at once), reports it done with its
 * estimated rows and bytes, and renews its leases by heartbeat. It asks for no rate permit: a worker asks
 * none for the units of an unlimited job once it knows the job is unlimited (the worker's RateMeter).
 *
 * <p>Each claim's round trip (request sent to reply read, on this verticle's event loop) goes into
 * {@link ClaimStats}: the claim latency a worker sees, the coordinator's lease record in the target
 * included.
 */
final class SimulatedWorker extends VerticleBase {

  private static final long CLAIM_TICK_MILLIS = 500;
  private static final long HEARTBEAT_MILLIS = 2_000;
  private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(30_000);

  private final String workerId = UUID.randomUUID().toString();
  private final int slots;
  private final long unitMillis;
  private final ClaimStats stats;
  /** {@code jobId/unitId} of the units claimed and not ended yet. */
  private final Set<String> active = new LinkedHashSet<>();
  private boolean claimInFlight;
  private boolean claimAgain;

  SimulatedWorker(int slots, long unitMillis, ClaimStats stats) {
    this.slots = slots;
    this.unitMillis = unitMillis;
    this.stats = stats;
  }

  @Override
  public Future<?> start() {
    var ready = vertx.eventBus().<String>consumer(Addresses.UNITS_READY, message -> claim());
    vertx.setPeriodic(CLAIM_TICK_MILLIS, id -> claim());
    vertx.setPeriodic(HEARTBEAT_MILLIS, id -> heartbeat());
    heartbeat();
    return ready.completion().onSuccess(v -> claim());
  }

  private void claim() {
    int free = slots - active.size();
    if (free <= 0) {
      return;
    }
    if (claimInFlight) {
      claimAgain = true;
      return;
    }
    claimInFlight = true;
    claimAgain = false;
    long sent = System.nanoTime();
    vertx.eventBus().<String>request(Addresses.CLAIM, Json.encode(new ClaimRequest(workerId, free)), TIMEOUT)
        .onComplete(ar -> {
          claimInFlight = false;
          if (ar.failed()) {
            stats.failed();
            return;
          }
          List<Assignment> assignments = Json.decode(ar.result().body(), ClaimReply.class).assignments();
          if (assignments != null && !assignments.isEmpty()) {
            stats.claimed(System.nanoTime() - sent, assignments.size());
            for (Assignment a : assignments) {
              execute(a);
            }
          }
          if (claimAgain) {
            claim();
          }
        });
  }

  private void execute(Assignment assignment) {
    WorkUnit unit = assignment.unit();
    active.add(key(unit));
    if (unitMillis <= 0) {
      ended(unit);
    } else {
      vertx.setTimer(unitMillis, id -> ended(unit));
    }
  }

  /** Reports the unit done, with its estimate as what it copied, and claims for the freed slot. */
  private void ended(WorkUnit unit) {
    if (!active.remove(key(unit))) {
      return; // the coordinator said its lease was lost
    }
    boolean copy = unit.kind() == UnitKind.COPY;
    UnitResult result = new UnitResult(unit.jobId(), unit.id(), unit.lease().epoch(), workerId, true,
        copy ? unit.slice().estimatedRows() : 0, copy ? unit.slice().estimatedBytes() : 0, null, false);
    vertx.eventBus().<String>request(Addresses.RESULT, Json.encode(result), TIMEOUT).onComplete(ar -> {
      if (ar.succeeded()) {
        stats.done();
      } else {
        stats.failed();
      }
    });
    claim();
  }

  private void heartbeat() {
    Heartbeat beat = new Heartbeat(workerId, "simulated", ProcessHandle.current().pid(), slots, new ArrayList<>(active),
        0, 0, 0, List.of());
    vertx.eventBus().<String>request(Addresses.HEARTBEAT, Json.encode(beat), TIMEOUT).onSuccess(reply -> {
      HeartbeatReply r = Json.decode(reply.body(), HeartbeatReply.class);
      if (r.lostUnits() != null && !r.lostUnits().isEmpty()) {
        stats.lost(r.lostUnits().size());
        r.lostUnits().forEach(active::remove);
      }
    });
  }

  private static String key(WorkUnit unit) {
    return unit.jobId() + "/" + unit.id();
  }
}
