package io.ferry.coordinator.http;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.PreflightRequest;
import io.ferry.protocol.plan.TablePlan;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a worker's preflight: answers {@link Addresses#PREFLIGHT} with a canned reply and
 * remembers the requests. The coordinator never touches source databases, so this is the seam.
 */
public final class FakeWorker {

  public final List<PreflightRequest> requests = new CopyOnWriteArrayList<>();
  private volatile PreflightReply reply = new PreflightReply(List.of(), List.of());
  private MessageConsumer<String> consumer;

  public FakeWorker answerWith(List<TablePlan> plans) {
    reply = new PreflightReply(plans, List.of());
    return this;
  }

  public FakeWorker answerWithProblems(List<String> problems) {
    reply = new PreflightReply(List.of(), problems);
    return this;
  }

  public FakeWorker register(Vertx vertx) throws Exception {
    consumer = vertx.eventBus().consumer(Addresses.PREFLIGHT, msg -> {
      requests.add(Json.decode(msg.body(), PreflightRequest.class));
      msg.reply(Json.encode(reply));
    });
    consumer.completion().toCompletionStage().toCompletableFuture().get();
    return this;
  }

  public void unregister() throws Exception {
    if (consumer != null) {
      consumer.unregister().toCompletionStage().toCompletableFuture().get();
      consumer = null;
    }
  }
}
