package io.ferry.coordinator.http;

import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.store.TargetStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/jobs/{id}/rejects[?tenant=T][&table=X][&limit=N]}: the rows the target rejected
 * ({@code onRowError: reject}), read from the target's {@code ferry.rejects}, oldest first.
 */
final class RejectRoutes {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(RejectRoutes.class);

  private final JobBoard board;
  private final HttpApi.RejectedRows reader;

  RejectRoutes(JobBoard board, HttpApi.RejectedRows reader) {
    this.board = board;
    this.reader = reader;
  }

  void mount(Router router) {
    router.get("/api/v1/jobs/:id/rejects").handler(this::rejects);
  }

  private void rejects(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (board.job(id) == null) {
      throw new ApiException(404, "job not found", List.of("no job with id " + id));
    }
    String tenant = QueryParams.blankToNull(ctx.queryParams().get("tenant"));
    String table = QueryParams.blankToNull(ctx.queryParams().get("table"));
    int limit = limit(ctx.queryParams().get("limit"));
    reader.read(id, tenant, table, limit).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("job {}: rejected rows not read from its target: {}", id, ar.cause().getMessage());
        ApiErrors.send(ctx, 503, "target unreachable", List.of("the rejected rows of job " + id
            + " could not be read from its target database: " + ar.cause().getMessage()));
        return;
      }
      JsonArray rows = new JsonArray();
      for (TargetStore.RejectedRow r : ar.result()) {
        rows.add(new JsonObject().put("unit", r.unitId()).put("tenant", r.tenantId()).put("table", r.table())
            .put("key", new JsonArray(r.rowKey())).put("columns", new JsonArray(r.columns()))
            .put("payload", r.payload()).put("payloadTruncated", r.payloadTruncated())
            .put("error", r.error()).put("sqlState", r.sqlState())
            .put("rejectedAt", r.rejectedAt() == null ? null : r.rejectedAt().toString()));
      }
      JobRoutes.json(ctx, new JsonObject().put("id", id).put("limit", limit).put("rejects", rows));
    });
  }

  private static int limit(String param) {
    if (param == null || param.isBlank()) {
      return DEFAULT_LIMIT;
    }
    Integer limit = QueryParams.limit(param, MAX_LIMIT);
    if (limit == null) {
      throw new ApiException(400, "invalid query", List.of("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + param + "'"));
    }
    return limit;
  }
}
