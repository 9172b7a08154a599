package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code POST /api/v1/jobs/{id}/rollback}: deletes target rows of a tenant, a table or a copy unit, to copy them again. */
@Command(name = "rollback", mixinStandardHelpOptions = true, description = {
    "Delete a tenant's or a table's target rows, to copy them again.",
    "Deletes the target rows of a tenant, a table, a tenant's table or one copy unit and resets their copy"
        + " units' checkpoints, in one target transaction; ferry resume JOB then copies them again.",
    "The job must be paused, failed, succeeded or cancelled. Name at least one of --tenant, --table, --unit.",
    "Exit codes: 0 started (with --wait: done), 1 refused or the rollback failed, 2 usage."})
public final class RollbackCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Every table of this tenant (with --table: that table only).")
  String tenant;

  @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "This target table, of every tenant (with --tenant: of that one).")
  String table;

  @Option(names = "--unit", paramLabel = "UNIT", description = "One copy unit, by its id (ferry units JOB --kind copy lists them).")
  String unit;

  @Option(names = "--wait", description = "Wait until the rollback unit is done (or failed), and say how many rows it deleted.")
  boolean await;

  @Override
  public Integer call() throws Exception {
    if (tenant == null && table == null && unit == null) {
      return usage("name what to roll back: --tenant, --table or --unit (at least one)");
    }
    ObjectNode body = Json.mapper().createObjectNode();
    Map<String, String> selection = new LinkedHashMap<>();
    selection.put("tenant", tenant);
    selection.put("table", table);
    selection.put("unit", unit);
    selection.forEach((field, value) -> {
      if (value != null) {
        body.put(field, value);
      }
    });
    ApiClient client = api.client();
    ApiClient.Response started = client.post(ApiClient.job(jobId) + "/rollback", body.toString(), "application/json");
    if (!await || failed(started)) {
      return answer(started, answer -> started(answer, body));
    }
    // With --json each answer is one line: the rollback's start, then its unit once it ended.
    out().print(json ? started.text() + System.lineSeparator() : started(started.body(), body));
    out().flush();
    String id = started.body().path("rollback").path("id").asText();
    ApiClient.Response units = untilEnded(client, id);
    if (failed(units)) {
      return answer(units, ignored -> "");
    }
    JsonNode rollback = unitOf(units.body(), id);
    out().print(json ? rollback + System.lineSeparator() : ended(rollback));
    out().flush();
    return rollback.path("state").asText().equals("done") ? DONE : REFUSED;
  }

  /** The job's units of kind rollback, polled until this rollback's unit is done or failed; its last answer. */
  private ApiClient.Response untilEnded(ApiClient client, String rollbackId) throws Exception {
    while (true) {
      ApiClient.Response units = client.get(ApiClient.job(jobId) + "/units?kind=rollback");
      if (failed(units)) {
        return units;
      }
      String state = unitOf(units.body(), rollbackId).path("state").asText();
      if (state.equals("done") || state.equals("failed")) {
        return units;
      }
      Thread.sleep(500);
    }
  }

  /** The rollback's unit and what it deletes, as the selection sent names it. */
  private String started(JsonNode answer, ObjectNode selection) {
    JsonNode rollback = answer.path("rollback");
    List<String> what = new ArrayList<>();
    selection.properties().forEach(e -> what.add(e.getKey() + " " + e.getValue().asText()));
    return String.format(Locale.ROOT, "%s of job %s started: %s, %d copy units to copy again; the job is %s%n"
        + "follow it with: ferry units %s --kind rollback%n", rollback.path("id").asText(), jobId, String.join(", ", what),
        answer.path("copyUnits").size(), answer.path("job").path("state").asText(), jobId);
  }

  private String ended(JsonNode rollback) {
    if (rollback.path("state").asText().equals("failed")) {
      return String.format(Locale.ROOT, "%s failed, nothing was deleted: %s%n", rollback.path("id").asText(),
          rollback.path("error").asText());
    }
    return String.format(Locale.ROOT, "%s done: %,d target rows deleted; a paused job copies them again on: ferry resume %s%n",
        rollback.path("id").asText(), rollback.path("rows").asLong(), jobId);
  }

  private static JsonNode unitOf(JsonNode units, String id) {
    for (JsonNode u : units.path("units")) {
      if (id.equals(u.path("id").asText())) {
        return u;
      }
    }
    return Json.mapper().missingNode();
  }
}
