package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.UnitResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's requests to a stand-in coordinator on a local event bus, driven on one event-loop context. */
class UnitExchangeTest {

  /** Long enough that a request sent while a gathering wait runs was not sent by the wait's end. */
  private static final long LONG_GATHER_MILLIS = 60_000;

  private Vertx vertx;
  private Context loop;
  private final List<ClaimRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failFirst = new AtomicInteger();
  private final AtomicInteger wanted = new AtomicInteger();
  private final AtomicBoolean urgent = new AtomicBoolean();

  @BeforeEach
  void coordinator() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    vertx.eventBus().<String>consumer(Addresses.CLAIM, message -> {
      requests.add(Json.decode(message.body(), ClaimRequest.class));
      if (failFirst.getAndDecrement() > 0) {
        message.fail(503, "restarting");
      } else {
        message.reply(Json.encode(new ClaimReply(List.of())));
      }
    }).completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private UnitExchange exchange(long gatherMillis) {
    return new UnitExchange(vertx, "w1", new UnitExchange.Slots() {
      @Override
      public int wanted() {
        return wanted.get();
      }

      @Override
      public boolean urgent() {
        return urgent.get();
      }

      @Override
      public void assigned(List<Assignment> assignments) {
      }
    }, gatherMillis);
  }

  @Test
  void aResultWaitsForTheNextClaimAndGoesWithIt() throws Exception {
    UnitExchange exchange = exchange(LONG_GATHER_MILLIS);
    loop.runOnContext(v -> exchange.report(result("u1")));
    Thread.sleep(300);
    assertThat(requests).as("a result alone, no slot idle: it waits for a claim").isEmpty();

    wanted.set(1);
    loop.runOnContext(v -> exchange.request());
    eventually(() -> requests.size() == 1);
    assertThat(requests.get(0).slots()).isEqualTo(1);
    assertThat(requests.get(0).results()).extracting(UnitResult::unitId).containsExactly("u1");
    Thread.sleep(100);
    assertThat(requests).as("the gathering wait sends nothing more").hasSize(1);
  }

  @Test
  void aResultAloneGoesAfterTheGatheringWaitAndAnIdleSlotsClaimAtOnce() throws Exception {
    UnitExchange gathering = exchange(50);
    loop.runOnContext(v -> gathering.report(result("u1")));
    eventually(() -> requests.size() == 1);
    assertThat(requests.get(0).slots()).isZero();
    assertThat(requests.get(0).results()).extracting(UnitResult::unitId).containsExactly("u1");

    UnitExchange waiting = exchange(LONG_GATHER_MILLIS);
    wanted.set(2);
    urgent.set(true);
    loop.runOnContext(v -> waiting.request());
    eventually(() -> requests.size() == 2);
    assertThat(requests.get(1).slots()).isEqualTo(2);
    assertThat(requests.get(1).results()).isEmpty();
  }

  @Test
  void resultsAreSentAgainUntilTakenButAFailedClaimIsLeftToTheClaimTick() throws Exception {
    UnitExchange exchange = exchange(LONG_GATHER_MILLIS);
    failFirst.set(2);
    urgent.set(true);
    loop.runOnContext(v -> {
      exchange.report(result("u1"));
      exchange.report(result("u2")); // sent with the next request: the first is in flight
    });
    eventually(() -> requests.size() == 3);
    assertThat(requests.get(0).results()).extracting(UnitResult::unitId).containsExactly("u1");
    assertThat(requests.get(1).results()).extracting(UnitResult::unitId).containsExactly("u1", "u2");
    assertThat(requests.get(2).results()).extracting(UnitResult::unitId).containsExactly("u1", "u2");
    eventually(() -> undelivered(exchange) == 0);

    failFirst.set(1);
    wanted.set(1);
    loop.runOnContext(v -> exchange.request());
    eventually(() -> requests.size() == 4);
    Thread.sleep(1_000);
    assertThat(requests).as("a claim that failed is not repeated by the exchange").hasSize(4);
  }

  /** Read on the exchange's own event loop, as everything that touches it runs. */
  private int undelivered(UnitExchange exchange) throws Exception {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    loop.runOnContext(v -> n.complete(exchange.undelivered()));
    return n.get(5, TimeUnit.SECONDS);
  }

  private static UnitResult result(String unitId) {
    return new UnitResult("job-1", unitId, 1, "w1", true, 10, 100, null, false);
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void eventually(Check condition) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.holds()) {
      assertThat(System.currentTimeMillis()).as("condition not met in time").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
