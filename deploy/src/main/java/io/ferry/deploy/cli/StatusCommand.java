package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show all jobs, or one job's progress per table; --watch refreshes until the job ends.")
public final class StatusCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "A job id (omit to list all jobs).")
  String jobId;

  @Option(names = "--watch", description = "Refresh every --interval until the job ends.")
  boolean watch;

  @Option(names = "--interval", defaultValue = "1", paramLabel = "SECONDS", description = "Refresh interval for --watch (default: ${DEFAULT-VALUE}).")
  int interval;

  @Mixin
  ApiMixin api;

  @Override
  public Integer call() throws Exception {
    ApiClient client = api.client();
    if (jobId == null) {
      ApiClient.Response response = client.get("/api/v1/jobs");
      if (response.status() >= 400) {
        SubmitCommand.printError(response);
        return 1;
      }
      System.out.printf(Locale.ROOT, "%-28s %-10s %-8s %14s %12s%n", "JOB", "STATE", "PHASE", "ROWS", "ROWS/S");
      for (JsonNode job : response.body().path("jobs")) {
        System.out.printf(Locale.ROOT, "%-28s %-10s %-8s %,14d %,12.0f%n", job.path("id").asText(),
            job.path("state").asText(), job.path("phase").asText(), job.path("rows").path("done").asLong(),
            job.path("throughput").path("rowsPerSecond").asDouble());
      }
      return 0;
    }
    boolean terminal = System.console() != null;
    while (true) {
      ApiClient.Response response = client.get("/api/v1/jobs/" + jobId);
      if (response.status() >= 400) {
        SubmitCommand.printError(response);
        return 1;
      }
      String view = StatusView.render(response.body());
      // On a terminal, redraw in place; in a pipe or log, print one block per refresh.
      System.out.print(terminal && watch ? "\033[H\033[2J" + view : view + System.lineSeparator());
      String state = response.body().path("state").asText();
      if (!watch || StatusView.TERMINAL_STATES.contains(state)) {
        // A script waiting on --watch must not carry on as if the data were there.
        return "failed".equals(state) || "cancelled".equals(state) ? 1 : 0;
      }
      Thread.sleep(interval * 1000L);
    }
  }
}
