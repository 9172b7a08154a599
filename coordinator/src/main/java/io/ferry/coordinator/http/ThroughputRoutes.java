package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.progress.ThroughputHistory;
import io.ferry.coordinator.schedule.JobBoard;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.LongSupplier;

/** {@code GET /api/v1/jobs/{id}/throughput[?minutes=N]}: the throughput history of a job (last hour at most). */
final class ThroughputRoutes {

  private final JobBoard board;
  private final JobStatusView view;
  private final LongSupplier clock;

  ThroughputRoutes(JobBoard board, JobStatusView view, LongSupplier clock) {
    this.board = board;
    this.view = view;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get("/api/v1/jobs/:id/throughput").handler(this::history);
  }

  private void history(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JobRecord job = board.job(id);
    if (job == null) {
      ApiErrors.send(ctx, 404, "job not found", List.of("no job with id " + id));
      return;
    }
    long maxMinutes = ThroughputHistory.BUCKETS * ThroughputHistory.BUCKET_MILLIS / 60_000;
    long minutes = maxMinutes;
    String param = ctx.queryParams().get("minutes");
    if (param != null) {
      try {
        minutes = Long.parseLong(param);
      } catch (NumberFormatException e) {
        minutes = -1;
      }
      if (minutes < 1 || minutes > maxMinutes) {
        ApiErrors.send(ctx, 400, "invalid query", List.of("minutes must be a whole number from 1 to " + maxMinutes + ", not '" + param + "'"));
        return;
      }
    }
    long now = clock.getAsLong();
    ctx.response().putHeader("Content-Type", "application/json")
        .end(view.throughputHistory(job, now - minutes * 60_000, now).encode());
  }
}
