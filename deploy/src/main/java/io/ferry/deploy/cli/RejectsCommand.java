package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code GET /api/v1/jobs/{id}/rejects}: the rows a job's target refused, read from its {@code ferry.rejects}. */
@Command(name = "rejects", mixinStandardHelpOptions = true, description = {
    "List the rows a job's target refused (onRowError: reject), oldest first.",
    "Per row: tenant, target table, key, the unit that met it and the database's error; --json adds each row's"
        + " columns as the target would have stored them.",
    "Exit codes: 0 listed, 1 refused (an unknown job, an unreachable target), 2 usage."})
public final class RejectsCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's rows.")
  String tenant;

  @Option(names = "--table", paramLabel = "TABLE", description = "Only this target table's rows (schema.table).")
  String table;

  @Option(names = "--limit", paramLabel = "N", description = "At most N rows (the coordinator's default when absent).")
  Integer limit;

  @Override
  public Integer call() throws Exception {
    List<String> query = new ArrayList<>();
    if (tenant != null) {
      query.add("tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
    }
    if (table != null) {
      query.add("table=" + URLEncoder.encode(table, StandardCharsets.UTF_8));
    }
    if (limit != null) {
      query.add("limit=" + limit);
    }
    String path = ApiClient.job(jobId) + "/rejects" + (query.isEmpty() ? "" : "?" + String.join("&", query));
    return answer(api.client().get(path), RejectsCommand::text);
  }

  static String text(JsonNode body) {
    JsonNode rows = body.path("rejects");
    if (rows.isEmpty()) {
      return "no rejected row" + System.lineSeparator();
    }
    TextTable out = new TextTable().left("TENANT").left("TABLE").left("KEY").left("UNIT").left("ERROR");
    for (JsonNode row : rows) {
      List<String> key = new ArrayList<>();
      row.path("key").forEach(k -> key.add(k.isNull() ? "NULL" : k.asText()));
      out.row(row.path("tenant").isNull() ? "" : row.path("tenant").asText(), row.path("table").asText(),
          String.join(", ", key), row.path("unit").asText(), row.path("error").asText());
    }
    String shown = rows.size() >= body.path("limit").asInt(Integer.MAX_VALUE)
        ? rows.size() + " rows shown, the limit: --limit for more" + System.lineSeparator() : "";
    return out.render("") + shown;
  }
}
