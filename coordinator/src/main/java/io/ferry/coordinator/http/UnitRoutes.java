package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/jobs/{id}/units[?state=S][&kind=K][&limit=N][&after=UNIT]}: the job's units, of a state and
 * kind, a page at a time when {@code limit} is given ({@code next} links the following page). Read from the
 * board's units by kind and state, so a page costs its units, not the job's.
 */
final class UnitRoutes {

  static final int MAX_LIMIT = 10_000;

  private final JobBoard board;

  UnitRoutes(JobBoard board) {
    this.board = board;
  }

  void mount(Router router) {
    router.get("/api/v1/jobs/:id/units").handler(this::units);
  }

  private void units(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JobRecord job = board.job(id);
    if (job == null) {
      throw new ApiException(404, "job not found", List.of("no job with id " + id));
    }
    MultiMap params = ctx.queryParams();
    List<String> problems = new ArrayList<>();
    UnitState state = wire(params.get("state"), "state", UnitState::fromWire, UnitState.values(), UnitState::wireName, problems);
    UnitKind kind = wire(params.get("kind"), "kind", UnitKind::fromWire, UnitKind.values(), UnitKind::wireName, problems);
    Integer limit = limit(params.get("limit"), problems);
    String after = QueryParams.blankToNull(params.get("after"));
    if (after != null && board.unit(id, after) == null) {
      problems.add("after: '" + after + "' is not a unit of job " + id + " (give the id of the last unit of the previous page)");
    }
    if (!problems.isEmpty()) {
      throw new ApiException(400, "invalid units query", problems);
    }
    // One more than the page: whether a next page exists.
    List<WorkUnit> page = board.units(id, kind, state, after, limit == null ? Integer.MAX_VALUE : limit + 1);
    boolean more = limit != null && page.size() > limit;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("units", more ? page.subList(0, limit) : page);
    if (more) {
      body.put("next", next(id, state, kind, limit, page.get(limit - 1).id()));
    }
    // Written by the units' own codec in one pass (not through a JsonObject per unit: that encoded each unit twice).
    ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(body));
  }

  private static String next(String jobId, UnitState state, UnitKind kind, int limit, String after) {
    StringBuilder link = new StringBuilder("/api/v1/jobs/").append(jobId).append("/units?");
    if (state != null) {
      link.append("state=").append(state.wireName()).append('&');
    }
    if (kind != null) {
      link.append("kind=").append(kind.wireName()).append('&');
    }
    return link.append("limit=").append(limit).append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8)).toString();
  }

  private static <T> T wire(String value, String name, Function<String, T> parse, T[] values, Function<T, String> wireName,
      List<String> problems) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return parse.apply(value.strip());
    } catch (IllegalArgumentException e) {
      problems.add(name + ": '" + value + "' is not one of " + Arrays.stream(values).map(wireName).collect(Collectors.joining(", ")));
      return null;
    }
  }

  private static Integer limit(String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Integer limit = QueryParams.limit(value, MAX_LIMIT);
    if (limit == null) {
      problems.add("limit: a whole number from 1 to " + MAX_LIMIT + ", not '" + value + "'");
    }
    return limit;
  }
}
