package io.ferry.coordinator.http;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.PreflightRequest;
import io.ferry.protocol.plan.TablePlan;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.ferry.protocol.spec.JobSpec;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a worker's preflight: answers {@link Addresses#PREFLIGHT} with a canned reply and
 * remembers the requests. The coordinator never touches source databases, so this is the seam.
 */
public final class FakeWorker {

  public final List<PreflightRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Function<JobSpec, PreflightReply> reply = spec -> new PreflightReply(List.of(), List.of());
  private MessageConsumer<String> consumer;

  public FakeWorker answerWith(List<TablePlan> plans) {
    reply = spec -> new PreflightReply(plans, List.of());
    return this;
  }

  /** Plans made from each request's spec: jobs running side by side must not write the same tables. */
  public FakeWorker answerWith(Function<JobSpec, List<TablePlan>> plans) {
    reply = spec -> new PreflightReply(plans.apply(spec), List.of());
    return this;
  }

  public FakeWorker answerWithProblems(List<String> problems) {
    reply = spec -> new PreflightReply(List.of(), problems);
    return this;
  }

  public FakeWorker register(Vertx vertx) throws Exception {
    consumer = vertx.eventBus().consumer(Addresses.PREFLIGHT, msg -> {
      PreflightRequest request = Json.decode(msg.body(), PreflightRequest.class);
      requests.add(request);
      msg.reply(Json.encode(reply.apply(request.spec())));
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
