package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.protocol.Json;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/** {@code /api/v1/jobs}: submit, list, status and units. */
final class JobRoutes {

  private final JobSubmission submission;
  private final JobBoard board;
  private final JobStatusView view;
  private final LongSupplier clock;

  JobRoutes(JobSubmission submission, JobBoard board, JobStatusView view, LongSupplier clock) {
    this.submission = submission;
    this.board = board;
    this.view = view;
    this.clock = clock;
  }

  void mount(Router router) {
    router.post("/api/v1/jobs").handler(this::submit);
    router.get("/api/v1/jobs").handler(this::list);
    router.get("/api/v1/jobs/:id").handler(this::status);
    router.get("/api/v1/jobs/:id/units").handler(this::units);
  }

  private void submit(RoutingContext ctx) {
    String body = ctx.body() == null ? null : ctx.body().asString();
    JobSpec spec = JobSubmission.read(body, isYaml(ctx.request().getHeader("Content-Type"), body));
    boolean dryRun = "true".equalsIgnoreCase(ctx.queryParams().get("dryRun"));
    (dryRun ? submission.dryRun(spec) : submission.submit(spec))
        .onSuccess(json -> {
          if (!dryRun) {
            ctx.response().putHeader("Location", "/api/v1/jobs/" + json.getString("id"));
          }
          ctx.response().setStatusCode(dryRun ? 200 : 201).putHeader("Content-Type", "application/json").end(json.encode());
        })
        .onFailure(ctx::fail);
  }

  /** YAML when the content type says so, or when the body does not look like a JSON object. */
  static boolean isYaml(String contentType, String body) {
    if (contentType != null) {
      String ct = contentType.toLowerCase(Locale.ROOT);
      if (ct.contains("yaml")) {
        return true;
      }
    }
    return body != null && !body.stripLeading().startsWith("{");
  }

  private void list(RoutingContext ctx) {
    long now = clock.getAsLong();
    JsonArray jobs = new JsonArray();
    for (JobRecord job : board.jobs()) {
      jobs.add(view.summary(job, now));
    }
    json(ctx, new JsonObject().put("jobs", jobs));
  }

  private void status(RoutingContext ctx) {
    json(ctx, view.status(job(ctx), clock.getAsLong()));
  }

  private void units(RoutingContext ctx) {
    JobRecord job = job(ctx);
    String stateParam = ctx.queryParams().get("state");
    UnitState state = null;
    if (stateParam != null && !stateParam.isBlank()) {
      try {
        state = UnitState.fromWire(stateParam);
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "invalid unit state", List.of("state '" + stateParam + "' is not one of "
            + Arrays.stream(UnitState.values()).map(UnitState::wireName).collect(Collectors.joining(", "))));
      }
    }
    JsonArray units = new JsonArray();
    for (WorkUnit u : board.units(job.id())) {
      if (state == null || u.state() == state) {
        units.add(new JsonObject(Json.encode(u)));
      }
    }
    json(ctx, new JsonObject().put("units", units));
  }

  private JobRecord job(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JobRecord job = board.job(id);
    if (job == null) {
      throw new ApiException(404, "job not found", List.of("no job with id " + id));
    }
    return job;
  }

  static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
