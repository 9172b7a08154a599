package io.ferry.coordinator.http;

import io.ferry.coordinator.schedule.Rollbacks;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/v1/jobs/{id}/rollback}: {@code {"tenant": "a", "table": "app.orders",
 * "unit": "copy:a:app.orders:0003"}}, at least one of the three. Whether the names exist in the job is
 * checked against the job ({@link Rollbacks}); here only the shape, every problem at once.
 */
final class RollbackRequest {

  private static final List<String> FIELDS = List.of("tenant", "table", "unit");
  private static final String EXAMPLE = "{\"tenant\": \"district_1\", \"table\": \"public.orders\"}";

  private RollbackRequest() {
  }

  static Rollbacks.Selection read(String body) {
    JsonObject json;
    try {
      json = new JsonObject(body == null || body.isBlank() ? "{}" : body);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiException(400, "invalid rollback", List.of("the body must be a JSON object like " + EXAMPLE));
    }
    List<String> problems = new ArrayList<>();
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(field + ": unknown field (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    String[] values = new String[FIELDS.size()];
    for (int i = 0; i < FIELDS.size(); i++) {
      String field = FIELDS.get(i);
      Object value = json.getValue(field);
      if (value == null) {
        continue;
      }
      if (!(value instanceof String s) || s.isBlank()) {
        problems.add(field + ": a non-empty string" + (field.equals("table") ? " (schema.table, as the job's target table)" : ""));
      } else {
        values[i] = s;
      }
    }
    if (problems.isEmpty() && values[0] == null && values[1] == null && values[2] == null) {
      problems.add("name at least one of tenant, table and unit: what to roll back, e.g. " + EXAMPLE);
    }
    if (!problems.isEmpty()) {
      throw new ApiException(400, "invalid rollback", problems);
    }
    return new Rollbacks.Selection(values[0], values[1], values[2]);
  }
}
