package io.ferry.coordinator.http;

import io.ferry.coordinator.progress.FerryMetrics;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Workers, health, readiness, metrics, the dashboard and the API's OpenAPI document. */
final class OpsRoutes {

  /** The OpenAPI document of every route this router serves (OpenApiDocumentTest holds the two together). */
  static final String OPENAPI = "/io/ferry/coordinator/openapi.yaml";

  private final WorkerRegistry workers;
  private final FerryMetrics metrics;
  private final BooleanSupplier ready;
  private final String dashboard;
  private final String openApi;

  OpsRoutes(WorkerRegistry workers, FerryMetrics metrics, BooleanSupplier ready) {
    this.workers = workers;
    this.metrics = metrics;
    this.ready = ready;
    this.dashboard = resource("/io/ferry/coordinator/dashboard.html");
    this.openApi = resource(OPENAPI);
  }

  void mount(Router router) {
    router.get("/api/v1/workers").handler(ctx -> {
      JsonArray list = new JsonArray();
      for (WorkerRegistry.WorkerInfo w : workers.list()) {
        list.add(new JsonObject().put("id", w.id()).put("host", w.host()).put("pid", w.pid())
            .put("maxUnits", w.maxUnits()).put("activeUnits", new JsonArray(w.activeUnits()))
            .put("rowsPerSecond", w.rowsPerSecond()).put("bytesPerSecond", w.bytesPerSecond())
            .put("rowsTotal", w.rowsTotal()).put("lastSeen", Instant.ofEpochMilli(w.lastSeen()).toString()));
      }
      JobRoutes.json(ctx, new JsonObject().put("workers", list));
    });
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
    router.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(dashboard));
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
