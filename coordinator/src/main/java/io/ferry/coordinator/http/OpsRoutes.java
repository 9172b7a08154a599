package io.ferry.coordinator.http;

import io.ferry.coordinator.progress.FerryMetrics;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Workers, health, readiness, metrics, the dashboard and the API's OpenAPI document. */
final class OpsRoutes {

  /** The OpenAPI document of every route this router serves (OpenApiDocumentTest holds the two together). */
  static final String OPENAPI = "/io/ferry/coordinator/openapi.yaml";

  /** The dashboard's files, on the class path. */
  static final String UI = "io/ferry/coordinator/ui";
  /**
   * The dashboard loads and connects to this origin only: nothing from the internet, and no script but its own
   * files runs. Inline styles are allowed (bar widths); every value the page shows is escaped.
   */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
      + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final WorkerRegistry workers;
  private final FerryMetrics metrics;
  private final BooleanSupplier ready;
  private final LongSupplier clock;
  private final String dashboard;
  private final String openApi;

  OpsRoutes(WorkerRegistry workers, FerryMetrics metrics, BooleanSupplier ready, LongSupplier clock) {
    this.workers = workers;
    this.clock = clock;
    this.metrics = metrics;
    this.ready = ready;
    this.dashboard = resource("/" + UI + "/index.html");
    this.openApi = resource(OPENAPI);
  }

  void mount(Router router) {
    router.get("/api/v1/workers").handler(ctx -> JobRoutes.json(ctx, WorkersView.of(workers, clock.getAsLong())));
    router.get("/api/v1/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8").end(openApi));
    router.get("/health").handler(ctx -> JobRoutes.json(ctx, new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> {
      if (ready.getAsBoolean()) {
        JobRoutes.json(ctx, new JsonObject().put("status", "ready"));
      } else {
        ApiErrors.send(ctx, 503, "not ready", java.util.List.of("the coordinator is loading job state from the targets"));
      }
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    router.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", CSP).putHeader("Cache-Control", "no-cache").end(dashboard));
    // The dashboard's scripts and styles: static files, not API routes (so no method and no OpenAPI path).
    router.route("/ui/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CSP);
      ctx.next();
    });
    router.route("/ui/*").handler(StaticHandler.create(UI).setCachingEnabled(false).setDirectoryListing(false)
        .setIncludeHidden(false));
  }

  private static String resource(String name) {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
