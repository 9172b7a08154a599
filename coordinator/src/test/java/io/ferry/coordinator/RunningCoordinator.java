package io.ferry.coordinator;

import com.hazelcast.core.HazelcastInstance;
import io.ferry.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A coordinator verticle on a non-clustered Vert.x plus a standalone Hazelcast, for HTTP and event-bus tests. */
public final class RunningCoordinator implements AutoCloseable {

  public final Vertx vertx;
  public final HazelcastInstance hazelcast;
  public final CoordinatorVerticle verticle;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String deployment;

  private RunningCoordinator(Vertx vertx, HazelcastInstance hazelcast, CoordinatorVerticle verticle, String deployment) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.verticle = verticle;
    this.deployment = deployment;
  }

  public static RunningCoordinator start(Vertx vertx, CoordinatorOptions options) throws Exception {
    return start(vertx, options, hz -> { });
  }

  /** @param beforeDeploy runs once the coordinator's Hazelcast is up, before its verticle starts (e.g. members join) */
  public static RunningCoordinator start(Vertx vertx, CoordinatorOptions options, Consumer<HazelcastInstance> beforeDeploy)
      throws Exception {
    HazelcastInstance hz = TestHazelcast.start(options);
    beforeDeploy.accept(hz);
    CoordinatorVerticle verticle = new CoordinatorVerticle(options.withHttpPort(0), hz);
    String id = await(vertx.deployVerticle(verticle));
    return new RunningCoordinator(vertx, hz, verticle, id);
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Sends a JSON-encoded request on the event bus and decodes the reply. */
  public <T> T request(String address, Object body, Class<T> replyType) throws Exception {
    String reply = await(vertx.eventBus().<String>request(address, Json.encode(body))).body();
    return replyType == String.class ? replyType.cast(reply) : Json.decode(reply, replyType);
  }

  public HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + verticle.actualHttpPort() + path);
  }

  @Override
  public void close() throws Exception {
    try {
      await(vertx.undeploy(deployment));
    } finally {
      hazelcast.shutdown();
    }
  }
}
