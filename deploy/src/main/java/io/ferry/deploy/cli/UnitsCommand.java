package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.WorkUnit;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code GET /api/v1/jobs/{id}/units}: a job's work units, with the error of each failed one. */
@Command(name = "units", mixinStandardHelpOptions = true, description = {
    "List a job's work units, with the errors of failed ones.",
    "Per unit (its id names kind, tenant and table): state, key range, attempts and rows; then the error of"
        + " each unit that has one (what to read before ferry retry JOB).",
    "Exit codes: 0 listed, 1 refused (an unknown job, state or kind), 2 usage."})
public final class UnitsCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--state", paramLabel = "STATE", description = "Only units in this state: blocked, pending, leased, done, failed.")
  String state;

  @Option(names = "--kind", paramLabel = "KIND", description = "Only units of this kind: prepare, copy, finish, verify, rollback, restore.")
  String kind;

  @Override
  public Integer call() throws Exception {
    List<String> query = new ArrayList<>();
    if (state != null) {
      query.add("state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
    }
    if (kind != null) {
      query.add("kind=" + URLEncoder.encode(kind, StandardCharsets.UTF_8));
    }
    String path = ApiClient.job(jobId) + "/units" + (query.isEmpty() ? "" : "?" + String.join("&", query));
    return answer(api.client().get(path), UnitsCommand::text);
  }

  static String text(JsonNode body) throws Exception {
    JsonNode units = body.path("units");
    if (units.isEmpty()) {
      return "no such unit" + System.lineSeparator();
    }
    TextTable table = new TextTable().left("UNIT").left("STATE").left("RANGE").right("ATTEMPTS").right("ROWS");
    List<String> errors = new ArrayList<>();
    for (JsonNode node : units) {
      WorkUnit u = Json.mapper().treeToValue(node, WorkUnit.class);
      table.row(u.id(), u.state().wireName(), u.slice().range() == null ? "" : u.slice().range(), u.lease().attempts(),
          String.format(Locale.ROOT, "%,d", u.progress().rows()));
      if (u.progress().error() != null) {
        errors.add(u.id() + " (" + u.state().wireName() + "): " + u.progress().error());
      }
    }
    StringBuilder out = new StringBuilder(table.render(""));
    if (!errors.isEmpty()) {
      out.append(System.lineSeparator()).append("errors:").append(System.lineSeparator());
      errors.forEach(e -> out.append("  ").append(e).append(System.lineSeparator()));
    }
    return out.toString();
  }
}
