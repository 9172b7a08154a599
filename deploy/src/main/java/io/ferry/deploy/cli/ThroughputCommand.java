package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code GET /api/v1/jobs/{id}/throughput}: the job's committed rows/s and bytes/s over the last minutes. */
@Command(name = "throughput", mixinStandardHelpOptions = true, description = {
    "Show a job's rows/s and MB/s over the last minutes.",
    "One line per 5-second bucket, from the job's first commit in the window, with a bar scaled to the"
        + " fastest bucket.",
    "Exit codes: 0 shown, 1 refused (no such job, minutes out of range), 2 usage."})
public final class ThroughputCommand extends ApiCommand {

  private static final int BAR = 40;

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--minutes", defaultValue = "5", paramLabel = "N", description = "How far back, 1 to 60 (default: ${DEFAULT-VALUE}).")
  int minutes;

  @Override
  public Integer call() throws Exception {
    return answer(api.client().get(ApiClient.job(jobId) + "/throughput?minutes=" + minutes), ThroughputCommand::text);
  }

  static String text(JsonNode history) {
    List<JsonNode> points = new ArrayList<>();
    history.path("points").forEach(points::add);
    // Buckets before the first commit say nothing: the window may start before the job did.
    int first = 0;
    while (first < points.size() && points.get(first).path("rowsPerSecond").asDouble() == 0) {
      first++;
    }
    if (first == points.size()) {
      return "no rows committed in this window" + System.lineSeparator();
    }
    double peak = points.stream().mapToDouble(p -> p.path("rowsPerSecond").asDouble()).max().orElse(0);
    TextTable table = new TextTable().left("UTC").right("ROWS/S").right("MB/S").left("");
    for (JsonNode p : points.subList(first, points.size())) {
      double rows = p.path("rowsPerSecond").asDouble();
      String at = p.path("at").asText();
      table.row(at.length() >= 19 ? at.substring(11, 19) : at, StatusView.number(rows),
          String.format(Locale.ROOT, "%.1f", p.path("bytesPerSecond").asDouble() / (1 << 20)),
          "#".repeat((int) Math.round(rows / peak * BAR)));
    }
    return table.render("");
  }
}
