package io.ferry.coordinator.http;

import io.ferry.coordinator.job.SpecValidator;
import io.ferry.protocol.spec.Limits;
import io.ferry.protocol.spec.WholeNumbers;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code PATCH /api/v1/jobs/{id}}: {@code {"limits": {"rowsPerSecond": 5000, "maxUnits": null}}}.
 * A field that is present sets the limit, {@code null} removes it, an absent one keeps it.
 */
final class LimitsPatch {

  private static final Set<String> FIELDS = Set.of("rowsPerSecond", "bytesPerSecond", "maxUnits", "maxUnitsPerSource");

  private LimitsPatch() {
  }

  static Limits apply(Limits current, String body) {
    JsonObject json;
    try {
      json = new JsonObject(body == null || body.isBlank() ? "{}" : body);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiException(400, "invalid patch", List.of("the body must be a JSON object like {\"limits\": {\"rowsPerSecond\": 5000}}"));
    }
    List<String> problems = new ArrayList<>();
    for (String field : json.fieldNames()) {
      if (!field.equals("limits")) {
        problems.add(field + ": unknown field (only limits can change on a submitted job)");
      }
    }
    Object raw = json.getValue("limits");
    if (!(raw instanceof JsonObject limits)) {
      problems.add("limits: required, an object with any of " + String.join(", ", FIELDS.stream().sorted().toList()));
      throw new ApiException(400, "invalid patch", problems);
    }
    for (String field : limits.fieldNames()) {
      if (!FIELDS.contains(field)) {
        problems.add("limits." + field + ": unknown field (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      } else if (limits.getValue(field) != null && !(limits.getValue(field) instanceof Number)) {
        problems.add("limits." + field + ": a whole number, or null to remove the limit");
      } else if (limits.getValue(field) instanceof Number n) {
        String problem = WholeNumbers.problem("limits." + field, n, field.startsWith("maxUnits") ? Integer.MAX_VALUE : Long.MAX_VALUE);
        if (problem != null) {
          problems.add(problem);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ApiException(400, "invalid patch", problems);
    }
    Limits next = new Limits(
        longValue(limits, "rowsPerSecond", current.rowsPerSecond()),
        longValue(limits, "bytesPerSecond", current.bytesPerSecond()),
        intValue(limits, "maxUnits", current.maxUnits()),
        intValue(limits, "maxUnitsPerSource", current.maxUnitsPerSource()));
    List<String> invalid = SpecValidator.limits(next);
    if (!invalid.isEmpty()) {
      throw new ApiException(400, "invalid patch", invalid);
    }
    return next;
  }

  private static Long longValue(JsonObject limits, String field, Long current) {
    if (!limits.containsKey(field)) {
      return current;
    }
    return limits.getValue(field) == null ? null : limits.getNumber(field).longValue();
  }

  private static Integer intValue(JsonObject limits, String field, Integer current) {
    if (!limits.containsKey(field)) {
      return current;
    }
    return limits.getValue(field) == null ? null : limits.getNumber(field).intValue();
  }
}
