package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.Scope;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.JobControl;
import io.ferry.coordinator.schedule.Repairs;
import io.ferry.coordinator.schedule.Rollbacks;
import io.ferry.coordinator.submit.SubmissionRefused;
import io.ferry.coordinator.submit.Submissions;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/jobs}: submit, list, status, the control requests (pause, resume, cancel, retry,
 * verify again), rollback and repair.
 */
final class JobRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(JobRoutes.class);

  /** One control request: what it does to a job. */
  private interface Control {
    JobControl.Outcome apply(JobRecord job, long now);
  }

  private final Submissions submissions;
  private final JobBoard board;
  private final JobStatusView view;
  private final JobControl control;
  private final LongSupplier clock;

  JobRoutes(Submissions submissions, JobBoard board, JobStatusView view, JobControl control, LongSupplier clock) {
    this.submissions = submissions;
    this.board = board;
    this.view = view;
    this.control = control;
    this.clock = clock;
  }

  void mount(Router router) {
    router.post("/api/v1/jobs").handler(this::submit);
    router.get("/api/v1/jobs").handler(this::list);
    router.get("/api/v1/jobs/:id").handler(this::status);
    router.post("/api/v1/jobs/:id/pause").handler(ctx -> scoped(ctx, "pause", control::pause, control::pause));
    router.post("/api/v1/jobs/:id/resume").handler(ctx -> scoped(ctx, "resume", control::resume, control::resume));
    router.post("/api/v1/jobs/:id/cancel").handler(ctx -> scoped(ctx, "cancel", control::cancel, control::cancel));
    router.post("/api/v1/jobs/:id/retry").handler(ctx -> control(ctx, control::retry));
    router.post("/api/v1/jobs/:id/rollback").handler(this::rollback);
    router.post("/api/v1/jobs/:id/verify").handler(ctx -> control(ctx, control::verify));
    router.post("/api/v1/jobs/:id/repair").handler(this::repair);
    router.patch("/api/v1/jobs/:id").handler(ctx -> control(ctx, (job, now) ->
        control.limit(job, LimitsPatch.apply(job.spec().limitsOrNone(), ctx.body() == null ? null : ctx.body().asString()))));
  }

  /** A control request on a tenant or table of a job ({@link ScopeRequest}). */
  @FunctionalInterface
  interface ScopedControl {
    JobControl.Outcome apply(JobRecord job, Scope scope, long now);
  }

  /** A control request on the whole job, or on the tenant or table its body names. */
  private void scoped(RoutingContext ctx, String action, Control whole, ScopedControl scoped) {
    JobRecord job = job(ctx);
    Scope scope = ScopeRequest.read(ctx.body() == null ? null : ctx.body().asString(), job, action);
    control(ctx, scope == null ? whole : (j, now) -> scoped.apply(j, scope, now));
  }

  /**
   * Applies a control request and answers with the job's summary once the change is recorded in the
   * target (so a coordinator restarted right after the answer still knows it); 409 when the request
   * does not apply to the job's state.
   */
  private void control(RoutingContext ctx, Control request) {
    JobRecord job = job(ctx);
    JobControl.Outcome outcome = request.apply(job, clock.getAsLong());
    if (outcome.refusal() != null) {
      throw new ApiException(409, "invalid job state", List.of(outcome.refusal()));
    }
    // Back on this event loop (the only thread that reads the board) once the target has the change.
    Future.fromCompletionStage(outcome.recorded(), ctx.vertx().getOrCreateContext()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("job {}: {} not recorded in its target: {}", job.id(), ctx.request().path(), ar.cause().getMessage());
        ApiErrors.send(ctx, 503, "state change not recorded", List.of("job " + job.id() + " is "
            + board.job(job.id()).state().wireName() + " in the coordinator, but its target database could not record it: "
            + ar.cause().getMessage() + "; repeat the request once the target is reachable"));
      } else {
        json(ctx, view.summary(board.job(job.id()), clock.getAsLong()));
      }
    });
  }

  /**
   * Starts a rollback (see {@link io.ferry.coordinator.schedule.Rollbacks}) and answers 202 once the
   * rollback unit (and the job's new state) is recorded in the target.
   */
  private void rollback(RoutingContext ctx) {
    JobRecord job = job(ctx);
    Rollbacks.Selection selection = RollbackRequest.read(ctx.body() == null ? null : ctx.body().asString());
    long now = clock.getAsLong();
    Rollbacks.Outcome outcome = control.rollback(job, selection, now);
    switch (outcome.verdict()) {
      case INVALID -> throw new ApiException(400, "invalid rollback", outcome.problems());
      case WRONG_STATE -> throw new ApiException(409, "invalid job state", outcome.problems());
      case STARTED -> { }
    }
    Future.fromCompletionStage(outcome.recorded(), ctx.vertx().getOrCreateContext()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("job {}: {} not recorded in its target: {}", job.id(), outcome.rollback().id(), ar.cause().getMessage());
        ApiErrors.send(ctx, 503, "state change not recorded", List.of(outcome.rollback().id() + " of job " + job.id()
            + " could not be recorded in its target database: " + ar.cause().getMessage()
            + "; repeat the request once the target is reachable"));
        return;
      }
      JsonArray copies = new JsonArray();
      outcome.copyUnits().forEach(u -> copies.add(u.id()));
      ctx.response().setStatusCode(202);
      json(ctx, new JsonObject()
          .put("rollback", new JsonObject(Json.encode(board.unit(job.id(), outcome.rollback().id()))))
          .put("copyUnits", copies)
          .put("job", view.summary(board.job(job.id()), clock.getAsLong()))
          .put("links", new JsonObject().put("units", "/api/v1/jobs/" + job.id() + "/units?kind=rollback")));
    });
  }

  /**
   * Starts a repair (see {@link io.ferry.coordinator.schedule.Repairs}) and answers 202 with its repair units once
   * they (and the job's new state) are recorded in the target; 409 with every reason when the job cannot be repaired.
   */
  private void repair(RoutingContext ctx) {
    JobRecord job = job(ctx);
    Repairs.Outcome outcome = control.repair(job, clock.getAsLong());
    if (!outcome.problems().isEmpty()) {
      throw new ApiException(409, "cannot repair the job", outcome.problems());
    }
    Future.fromCompletionStage(outcome.recorded(), ctx.vertx().getOrCreateContext()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("job {}: repair not recorded in its target: {}", job.id(), ar.cause().getMessage());
        ApiErrors.send(ctx, 503, "state change not recorded", List.of("the repair of job " + job.id()
            + " could not be recorded in its target database: " + ar.cause().getMessage()
            + "; repeat the request once the target is reachable"));
        return;
      }
      JsonArray repairs = new JsonArray();
      for (WorkUnit r : outcome.repairs()) {
        VerifyFindings f = r.progress().findings();
        repairs.add(new JsonObject().put("id", r.id()).put("tenant", r.slice().tenantId()).put("table", r.slice().table())
            .put("range", r.slice().range() == null ? null : r.slice().range().toString())
            .put("differingKeys", f.differenceCount())
            .put("recopies", f.listsEveryDifference() ? "keys" : "range"));
      }
      ctx.response().setStatusCode(202);
      json(ctx, new JsonObject()
          .put("repairs", repairs)
          .put("job", view.summary(board.job(job.id()), clock.getAsLong()))
          .put("links", new JsonObject().put("units", "/api/v1/jobs/" + job.id() + "/units?kind=repair")
              .put("report", "/api/v1/jobs/" + job.id() + "/report")));
    });
  }

  private void submit(RoutingContext ctx) {
    String body = ctx.body() == null ? null : ctx.body().asString();
    boolean yaml = isYaml(ctx.request().getHeader("Content-Type"), body);
    boolean dryRun = "true".equalsIgnoreCase(ctx.queryParams().get("dryRun"));
    Future.succeededFuture(body).map(b -> Submissions.read(b, yaml))
        .compose(spec -> dryRun
            ? submissions.dryRun(spec).map(plan -> PlanView.of(plan.spec(), plan.plans(), plan.workerSlots()))
            : submissions.submit(spec).map(JobRoutes::accepted))
        .onSuccess(json -> {
          if (!dryRun) {
            ctx.response().putHeader("Location", "/api/v1/jobs/" + json.getString("id"));
          }
          ctx.response().setStatusCode(dryRun ? 200 : 201).putHeader("Content-Type", "application/json").end(json.encode());
        })
        .onFailure(e -> ctx.fail(e instanceof SubmissionRefused refused ? refusal(refused) : e));
  }

  private static JsonObject accepted(JobRecord job) {
    return new JsonObject().put("id", job.id()).put("name", job.name()).put("state", job.state().wireName())
        .put("links", new JsonObject().put("self", "/api/v1/jobs/" + job.id()));
  }

  /** Each reason a submission is refused, as its API error. */
  private static ApiException refusal(SubmissionRefused refused) {
    List<String> details = refused.details();
    return switch (refused.reason()) {
      case INVALID_SPEC -> new ApiException(400, "invalid job spec", details);
      case PREFLIGHT_PROBLEMS -> new ApiException(400, "preflight failed", details);
      case NO_WORKER -> new ApiException(503, "no worker is connected", details);
      case PREFLIGHT_TIMED_OUT -> new ApiException(504, "preflight timed out", details);
      case PREFLIGHT_BROKE -> new ApiException(502, "preflight failed on the worker", details);
      case OVERLAP -> new ApiException(409, "the job overlaps an unfinished job", details);
      case TARGET_UNREACHABLE -> new ApiException(400, "cannot reach the target database", details);
      case NOT_RECORDED -> new ApiException(400, "cannot record the job in its target database", details);
    };
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
