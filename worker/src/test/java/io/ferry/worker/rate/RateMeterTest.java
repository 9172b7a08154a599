package io.ferry.worker.rate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.PermitReply;
import io.ferry.protocol.message.PermitRequest;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rate meter against a stand-in coordinator on a local event bus. */
class RateMeterTest {

  private Vertx vertx;
  private final List<PermitRequest> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void coordinator() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<String>consumer(Addresses.PERMIT, message -> {
      requests.add(Json.decode(message.body(), PermitRequest.class));
      // The first answer waits for the test's go, to show that the unit does not write before it.
      vertx.executeBlocking(() -> release.await(5, TimeUnit.SECONDS))
          .onComplete(ar -> message.reply(Json.encode(new PermitReply(requests.size() == 1 ? 30 : 0, 3, 1L << 20))));
    }).completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theFirstReservationIsSentAtTheStartAndAwaitedBeforeTheFirstRow() throws Exception {
    RateMeter meter = new RateMeter(vertx, "job-1", "w1");

    meter.begin();
    awaitRequests(1);
    assertThat(requests.get(0).rows()).isEqualTo(1);

    Thread writer = Thread.ofVirtual().start(() -> meter.written(1, 10));
    writer.join(200);
    assertThat(writer.isAlive()).as("the first row waits for the first answer").isTrue();
    release.countDown();
    writer.join(5_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(meter.waitedMillis()).as("the wait the coordinator asked for was kept").isEqualTo(30);
    assertThat(requests).as("no second request for the first row").hasSize(1);
  }

  @Test
  void aUnitOfAJobLastHeardUnlimitedStartsWithoutAskingAndHasNothingToSettle() throws Exception {
    RateHints hints = new RateHints();
    hints.record("job-1", PermitReply.UNLIMITED);
    RateMeter meter = new RateMeter(vertx, "job-1", "w1", hints);

    meter.begin();
    meter.written(10, 100);
    meter.settle();
    Thread.sleep(100);
    assertThat(requests).as("no reservation at the start or the end of a small unit").isEmpty();

    // A unit of another job, or of this job once a limited answer came, asks before its first row.
    hints.record("job-1", new PermitReply(0, 3, 1L << 20));
    new RateMeter(vertx, "job-1", "w1", hints).begin();
    new RateMeter(vertx, "job-2", "w1", hints).begin();
    awaitRequests(2);
    assertThat(requests).extracting(PermitRequest::jobId).containsExactlyInAnyOrder("job-1", "job-2");
  }

  @Test
  void anUnlimitedAnswerIsTrustedForASecondSoThatUnitsSmallerThanTheBatchMeetALimitSetSince() throws Exception {
    AtomicLong now = new AtomicLong();
    RateHints hints = new RateHints(now::get);
    hints.record("job-1", PermitReply.UNLIMITED);
    now.addAndGet(RateHints.TRUSTED - 1);
    new RateMeter(vertx, "job-1", "w1", hints).begin();
    assertThat(requests).as("within the second: no reservation").isEmpty();

    now.addAndGet(1);
    release.countDown();
    RateMeter meter = new RateMeter(vertx, "job-1", "w1", hints);
    meter.begin();
    awaitRequests(1);
    meter.written(1, 10);
    assertThat(meter.waitedMillis()).as("the answer is the limit set since, and its wait is kept").isEqualTo(30);
    assertThat(hints.unlimited("job-1")).isFalse();
  }

  @Test
  void anUnlimitedUnitStillReservesAfterItsBatchAndSoMeetsALimitSetMeanwhile() throws Exception {
    RateHints hints = new RateHints();
    hints.record("job-1", PermitReply.UNLIMITED);
    RateMeter meter = new RateMeter(vertx, "job-1", "w1", hints);
    meter.begin();
    release.countDown();
    meter.written(PermitReply.UNLIMITED.nextRows(), 1000);
    assertThat(requests).as("the batch's reservation pays for the rows written").hasSize(1);
    assertThat(requests.get(0).rows()).isEqualTo(PermitReply.UNLIMITED.nextRows());
    assertThat(hints.unlimited("job-1")).as("the answer (a limit now) is what the next unit starts from").isFalse();
    meter.written(2, 10);
    meter.settle();
    awaitRequests(2);
    assertThat(requests.get(1).rows()).as("under a limit the rest is paid for at the end").isEqualTo(2);
  }

  @Test
  void laterReservationsComeEveryBatchTheCoordinatorSets() throws Exception {
    release.countDown();
    RateMeter meter = new RateMeter(vertx, "job-1", "w1");
    meter.begin();

    for (int i = 0; i < 7; i++) {
      meter.written(1, 10);
    }

    // begin(), then after rows 3 and 6 of the batches of 3
    assertThat(requests).extracting(PermitRequest::rows).containsExactly(1L, 3L, 3L);
  }

  @Test
  void withoutBeginTheFirstRowStillReservesFirst() throws Exception {
    release.countDown();
    RateMeter meter = new RateMeter(vertx, "job-1", "w1");

    meter.written(1, 10);

    assertThat(requests).extracting(PermitRequest::rows).containsExactly(1L);
  }

  private void awaitRequests(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (requests.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(requests).hasSize(n);
  }
}
