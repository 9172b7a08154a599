package io.ferry.coordinator.http;

import io.ferry.coordinator.progress.FerryMetrics;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.JobControl;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.coordinator.store.TargetStore;
import io.ferry.coordinator.submit.Submissions;
import io.ferry.protocol.LogContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Assembles the coordinator's router: API routes behind the token and readiness checks, ops routes open. */
public final class HttpApi {

  /** Reads a job's rejected rows from its target (blocking JDBC: off the event loop), for {@code GET /api/v1/jobs/{id}/rejects}. */
  @FunctionalInterface
  public interface RejectedRows {
    Future<List<TargetStore.RejectedRow>> read(String jobId, String tenant, String table, int limit);
  }

  public static final long BODY_LIMIT = 1024 * 1024;

  private HttpApi() {
  }

  public static Router router(Vertx vertx, String apiToken, BooleanSupplier ready, Submissions submissions,
      JobBoard board, JobStatusView view, JobControl control, WorkerRegistry workers, FerryMetrics metrics, LongSupplier clock,
      RejectedRows rejects) {
    Router router = Router.router(vertx);
    router.route("/api/*").handler(ctx -> authorize(ctx, apiToken));
    router.route("/api/*").handler(ctx -> {
      if (ready.getAsBoolean()) {
        ctx.next();
      } else {
        ApiErrors.send(ctx, 503, "not ready", List.of("the coordinator is loading job state from the targets: retry in a few seconds"));
      }
    });
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.route("/api/v1/jobs/:id").handler(HttpApi::inJobLogContext);
    router.route("/api/v1/jobs/:id/*").handler(HttpApi::inJobLogContext);
    new JobRoutes(submissions, board, view, control, clock).mount(router);
    new UnitRoutes(board).mount(router);
    new ThroughputRoutes(board, view, clock).mount(router);
    new ReportRoutes(board).mount(router);
    new RejectRoutes(board, rejects).mount(router);
    new OpsRoutes(workers, metrics, ready, clock).mount(router);
    new EventRoutes(board, view, workers, clock).mount(router);
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ApiErrors::handle);
    router.errorHandler(405, ApiErrors::handle);
    return router;
  }

  /** What a job's request handling logs names the job (after the body is read: the handlers then run at once). */
  private static void inJobLogContext(RoutingContext ctx) {
    try (LogContext ignored = LogContext.job(ctx.pathParam("id"))) {
      ctx.next();
    }
  }

  private static void authorize(RoutingContext ctx, String apiToken) {
    if (apiToken == null || apiToken.isEmpty()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String expected = "Bearer " + apiToken;
    // Constant-time comparison: the token must not leak through response timing.
    if (header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      ApiErrors.send(ctx, 401, "unauthorized", List.of("this coordinator requires Authorization: Bearer <token> on /api/*"));
    }
  }
}
