package io.ferry.worker.runtime;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.PermitReply;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.message.UnitResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable stand-in for the coordinator's event-bus side: hands out queued assignments on claims
 * (after a short delay, so overlapping claims would show), records progress, results and heartbeats,
 * and answers heartbeats with the units the test declared lost.
 */
public final class FakeCoordinator {

  /** How long a claim waits for its answer; a test may set it longer to stop a worker while its claim is in flight. */
  public volatile long claimDelayMillis = 30;

  public final Queue<Assignment> pending = new ConcurrentLinkedQueue<>();
  public final List<ClaimRequest> claims = new CopyOnWriteArrayList<>();
  public final List<UnitResult> results = new CopyOnWriteArrayList<>();
  public final List<UnitProgress> progress = new CopyOnWriteArrayList<>();
  public final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
  public final Set<String> lostUnits = ConcurrentHashMap.newKeySet();
  public final AtomicInteger maxClaimsInFlight = new AtomicInteger();
  /** Set before {@link #start()}: every rate permit makes the unit wait this long (a rate limit); negative: no permits. */
  public volatile long permitWaitMillis = -1;
  private final AtomicInteger claimsInFlight = new AtomicInteger();
  private final Vertx vertx;
  private final List<MessageConsumer<String>> consumers = new ArrayList<>();

  public FakeCoordinator(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<Void> start() {
    consumers.add(vertx.eventBus().<String>consumer(Addresses.CLAIM, msg -> {
      ClaimRequest request = Json.decode(msg.body(), ClaimRequest.class);
      claims.add(request);
      maxClaimsInFlight.accumulateAndGet(claimsInFlight.incrementAndGet(), Math::max);
      vertx.setTimer(claimDelayMillis, id -> {
        List<Assignment> out = new ArrayList<>();
        Assignment next;
        while (out.size() < request.slots() && (next = pending.poll()) != null) {
          out.add(next);
        }
        claimsInFlight.decrementAndGet();
        msg.reply(Json.encode(new ClaimReply(out)));
      });
    }));
    consumers.add(vertx.eventBus().<String>consumer(Addresses.RESULT, msg -> {
      results.add(Json.decode(msg.body(), UnitResult.class));
      msg.reply("ok");
    }));
    consumers.add(vertx.eventBus().<String>consumer(Addresses.PROGRESS,
        msg -> progress.add(Json.decode(msg.body(), UnitProgress.class))));
    consumers.add(vertx.eventBus().<String>consumer(Addresses.HEARTBEAT, msg -> {
      Heartbeat beat = Json.decode(msg.body(), Heartbeat.class);
      heartbeats.add(beat);
      msg.reply(Json.encode(new HeartbeatReply(beat.activeUnits().stream().filter(lostUnits::contains).toList())));
    }));
    if (permitWaitMillis >= 0) {
      consumers.add(vertx.eventBus().<String>consumer(Addresses.PERMIT,
          msg -> msg.reply(Json.encode(new PermitReply(permitWaitMillis, 1_000_000, 1L << 40)))));
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  public UnitResult result(String unitId) {
    return results.stream().filter(r -> r.unitId().equals(unitId)).findFirst().orElse(null);
  }
}
