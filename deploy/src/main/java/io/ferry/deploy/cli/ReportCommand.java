package io.ferry.deploy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Show a job's verification report.",
        "Per tenant and table: source and target rows, ranges verified and mismatched, the differing keys with"
        + " their kind and columns, rejected rows; and one verdict (clean, differences, not verified,"
        + " verification incomplete).",
        "Exit codes: 0 when the verdict is clean, 1 otherwise or refused (e.g. no such job), 2 usage."})
public final class ReportCommand extends ApiCommand {

  /** How the report is printed. */
  enum Format { text, csv, json }

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text (for the terminal), csv (one line per table and per differing key, for spreadsheets)"
          + " or json (the API's answer, as --json); default: ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() throws Exception {
    json |= format == Format.json;
    ApiClient.Response response = api.client().get(ApiClient.job(jobId) + "/report");
    int exit = answer(response, report -> format == Format.csv ? ReportView.csv(report) : ReportView.text(report));
    // A script can gate on the verdict without parsing the report.
    return exit == DONE ? ReportView.exitStatus(response.body()) : exit;
  }
}
