package io.ferry.deploy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Show a job's reconciliation report: per tenant and table, source and target rows, ranges verified"
        + " and mismatched, the differing keys with their kind and columns, rejected rows, and one verdict"
        + " (clean, differences, not verified, verification incomplete).",
        "Exit status 0 when the verdict is clean, 1 otherwise."})
public final class ReportCommand implements Callable<Integer> {

  /** How the report is printed. */
  enum Format { text, csv, json }

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text (for the terminal), csv (one line per table and per differing key, for spreadsheets)"
          + " or json (the API's answer); default: ${DEFAULT-VALUE}.")
  Format format;

  @Mixin
  ApiMixin api;

  @Override
  public Integer call() throws Exception {
    ApiClient.Response response = api.client().get("/api/v1/jobs/" + jobId + "/report");
    if (response.status() >= 400 || response.body() == null) {
      SubmitCommand.printError(response);
      return 1;
    }
    System.out.print(switch (format) {
      case text -> ReportView.text(response.body());
      case csv -> ReportView.csv(response.body());
      case json -> response.text() + System.lineSeparator();
    });
    return ReportView.exitStatus(response.body());
  }
}
