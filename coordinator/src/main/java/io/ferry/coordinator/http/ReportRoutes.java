package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.progress.JobReport;
import io.ferry.coordinator.schedule.JobBoard;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/** {@code GET /api/v1/jobs/{id}/report}: the job's reconciliation report, as JSON or (Accept: text/html) a page. */
final class ReportRoutes {

  private final JobBoard board;

  ReportRoutes(JobBoard board) {
    this.board = board;
  }

  void mount(Router router) {
    router.get("/api/v1/jobs/:id/report").handler(this::report);
  }

  private void report(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JobRecord job = board.job(id);
    if (job == null) {
      throw new ApiException(404, "job not found", List.of("no job with id " + id));
    }
    JsonObject report = JobReport.of(job, board.tally(id));
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html")) {
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
          // The page is the job's data only: nothing it shows may run or load anything.
          .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
          .end(ReportPage.render(report));
      return;
    }
    report.put("links", new JsonObject().put("job", "/api/v1/jobs/" + id)
        .put("verifyUnits", "/api/v1/jobs/" + id + "/units?kind=verify"));
    JobRoutes.json(ctx, report);
  }
}
