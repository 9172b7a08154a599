package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.progress.TenantGrid;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code GET /api/v1/events[?job=ID]}: server-sent events for the dashboard. Each connection gets every
 * job's summary ({@code job}) and the workers ({@code workers}) at once, then, once a second, only what
 * changed since it last got it; with {@code job}, also that job's tenant × table grid ({@code progress}),
 * changed cells only. Behind the API token like every {@code /api} route (a browser sends it with
 * {@code fetch}, which can set the header, where {@code EventSource} cannot).
 */
final class EventRoutes {

  static final long INTERVAL_MILLIS = 1_000;
  /** A comment line this often when nothing changed, so that proxies keep the connection and a closed one is noticed. */
  private static final long KEEPALIVE_MILLIS = 15_000;

  private final JobBoard board;
  private final JobStatusView view;
  private final WorkerRegistry workers;
  private final LongSupplier clock;

  EventRoutes(JobBoard board, JobStatusView view, WorkerRegistry workers, LongSupplier clock) {
    this.board = board;
    this.view = view;
    this.workers = workers;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get("/api/v1/events").handler(this::subscribe);
  }

  private void subscribe(RoutingContext ctx) {
    String jobId = ctx.queryParams().get("job");
    if (jobId != null && board.job(jobId) == null) {
      throw new ApiException(404, "job not found", List.of("no job with id " + jobId));
    }
    HttpServerResponse response = ctx.response().setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    Subscriber subscriber = new Subscriber(response, jobId);
    subscriber.tick();
    long timer = ctx.vertx().setPeriodic(INTERVAL_MILLIS, id -> subscriber.tick());
    response.closeHandler(v -> ctx.vertx().cancelTimer(timer));
    response.exceptionHandler(e -> ctx.vertx().cancelTimer(timer));
  }

  /** One connection: what it was last sent, so that it gets changes only. Runs on the board's event loop. */
  private final class Subscriber {
    final HttpServerResponse response;
    final String jobId;
    final Map<String, String> jobs = new HashMap<>();
    final Map<String, String> cells = new HashMap<>();
    String workersSent;
    long lastWrite;

    Subscriber(HttpServerResponse response, String jobId) {
      this.response = response;
      this.jobId = jobId;
    }

    void tick() {
      if (response.closed() || response.writeQueueFull()) {
        // A slow reader skips ticks: it gets the latest state later instead of a growing queue.
        return;
      }
      long now = clock.getAsLong();
      boolean wrote = false;
      for (JobRecord job : board.jobs()) {
        String summary = view.summary(job, now).encode();
        if (!summary.equals(jobs.put(job.id(), summary))) {
          wrote |= send("job", summary);
        }
      }
      String list = WorkersView.of(workers, now).encode();
      if (!list.equals(workersSent)) {
        workersSent = list;
        wrote |= send("workers", list);
      }
      JobRecord job = jobId == null ? null : board.job(jobId);
      if (job != null) {
        JsonArray changed = new JsonArray();
        for (Object o : TenantGrid.of(board.tally(jobId), job)) {
          JsonObject cell = (JsonObject) o;
          String encoded = cell.encode();
          if (!encoded.equals(cells.put(TenantGrid.key(cell), encoded))) {
            changed.add(cell);
          }
        }
        if (!changed.isEmpty()) {
          wrote |= send("progress", new JsonObject().put("id", jobId).put("cells", changed).encode());
        }
      }
      if (!wrote && now - lastWrite >= KEEPALIVE_MILLIS) {
        response.write(": keepalive\n\n");
        lastWrite = now;
      }
    }

    private boolean send(String event, String data) {
      // The data is one line of JSON (encode() escapes newlines), as one SSE data field.
      response.write("event: " + event + "\ndata: " + data + "\n\n");
      lastWrite = clock.getAsLong();
      return true;
    }
  }
}
