package io.ferry.coordinator.http;

import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.spec.TenantSpec;
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

  /**
   * Replaces any literal password of the spec in messages from elsewhere (a worker's preflight problems,
   * a driver's error): nothing a user submitted as a secret is ever echoed back.
   */
  public static List<String> scrub(List<String> details, JobSpec spec) {
    if (spec == null) {
      return details;
    }
    List<String> secrets = new ArrayList<>();
    if (spec.target() != null) {
      addSecret(secrets, spec.target().password());
    }
    if (spec.source() != null && spec.source().tenants() != null) {
      for (TenantSpec t : spec.source().tenants()) {
        if (t != null) {
          addSecret(secrets, t.password());
        }
      }
    }
    if (secrets.isEmpty()) {
      return details;
    }
    List<String> clean = new ArrayList<>();
    for (String d : details) {
      String s = d;
      for (String secret : secrets) {
        s = s.replace(secret, Secret.REDACTED);
      }
      clean.add(s);
    }
    return clean;
  }

  private static void addSecret(List<String> secrets, String password) {
    // Very short literals would redact ordinary words; they are also not worth protecting by string search.
    if (password != null && password.length() >= 3 && !Secret.isReference(password)) {
      secrets.add(password);
    }
  }
}
