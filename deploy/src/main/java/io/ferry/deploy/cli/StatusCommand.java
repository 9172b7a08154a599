package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
    "Show all jobs, or one job's progress.",
    "One job: state, rows, rates, ETA, units, a bar per table, failed units; --watch refreshes until the job"
        + " ends.",
    "Exit codes: 0 shown (whatever the job's state; with --watch, the job succeeded), 1 refused (e.g. no such"
        + " job) or, with --watch, the job ended failed or cancelled, 2 usage."})
public final class StatusCommand extends ApiCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "A job id (omit to list all jobs).")
  String jobId;

  @Option(names = "--watch", description = "Refresh every --interval until the job ends (with --json: one line per refresh).")
  boolean watch;

  @Option(names = "--interval", defaultValue = "1", paramLabel = "SECONDS", description = "Refresh interval for --watch (default: ${DEFAULT-VALUE}).")
  int interval;

  @Override
  public Integer call() throws Exception {
    ApiClient client = api.client();
    if (jobId == null) {
      if (watch) {
        return usage("--watch follows one job: give its id (ferry status JOB --watch)");
      }
      return answer(client.get("/api/v1/jobs"), StatusCommand::list);
    }
    boolean terminal = System.console() != null && !json;
    while (true) {
      ApiClient.Response response = client.get(ApiClient.job(jobId));
      // On a terminal, redraw in place; in a pipe or log, print one block per refresh.
      int exit = answer(response, job -> terminal && watch ? "\033[H\033[2J" + StatusView.render(job)
          : StatusView.render(job) + System.lineSeparator());
      if (exit != DONE || !watch) {
        return exit;
      }
      String state = response.body().path("state").asText();
      if (StatusView.TERMINAL_STATES.contains(state)) {
        // A script waiting on --watch must not carry on as if the data were there.
        return "succeeded".equals(state) ? DONE : REFUSED;
      }
      Thread.sleep(interval * 1000L);
    }
  }

  private static String list(JsonNode body) {
    TextTable table = new TextTable().left("JOB").left("STATE").left("PHASE").right("ROWS").right("ROWS/S");
    for (JsonNode job : body.path("jobs")) {
      table.row(job.path("id").asText(), job.path("state").asText(), job.path("phase").asText(),
          String.format(Locale.ROOT, "%,d", job.path("rows").path("done").asLong()),
          StatusView.number(job.path("throughput").path("rowsPerSecond").asDouble()));
    }
    return table.render("");
  }
}
