package io.ferry.coordinator.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every API error the same way, and maps unexpected failures to a 500 without a stack trace. */
public final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {
  }

  public static void send(RoutingContext ctx, int status, String error, List<String> details) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("details", new JsonArray(new ArrayList<>(details))).encode());
  }

  /** The router's failure handler. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException e) {
      send(ctx, e.status(), e.error(), e.details());
      return;
    }
    if (failure == null) {
      int status = ctx.statusCode();
      switch (status) {
        case 413 -> send(ctx, 413, "request body too large", List.of("a job spec must be smaller than 1 MiB"));
        case 404 -> send(ctx, 404, "not found", List.of("no resource at " + ctx.request().path()));
        case 405 -> send(ctx, 405, "method not allowed", List.of(ctx.request().method() + " is not supported on " + ctx.request().path()));
        case 401 -> send(ctx, 401, "unauthorized", List.of("send Authorization: Bearer <token>"));
        default -> send(ctx, status, "request failed", List.of("HTTP " + status));
      }
      return;
    }
    // The exception's own words are Java's, not the user's: they go to the log under a reference the answer gives.
    String reference = Long.toString(System.nanoTime() & 0xffffffffL, 36);
    LOG.error("unexpected failure {} on {} {}", reference, ctx.request().method(), ctx.request().path(), failure);
    send(ctx, 500, "internal error", List.of("an unexpected error stopped the request: the coordinator's log has the"
        + " details under reference " + reference));
  }
}
