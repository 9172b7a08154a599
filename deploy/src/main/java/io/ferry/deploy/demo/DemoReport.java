package io.ferry.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ReportView;
import java.io.PrintStream;
import java.util.Locale;

/**
 * How the demo ends: the job's verification report ({@code GET /api/v1/jobs/{id}/report}) as
 * {@code ferry report} prints it, then a one-line summary; the demo's exit status follows the verdict.
 * The report is the product's own answer to "did every row arrive?", compared range by range by the
 * workers, so the demo shows it rather than a comparison of its own.
 */
final class DemoReport {

  private DemoReport() {
  }

  /** Prints the report and the summary of {@code job}, run by {@code workers} workers; returns the exit status. */
  static int print(JsonNode job, JsonNode report, int workers, PrintStream out) {
    out.print(ReportView.text(report));
    double seconds = job.path("elapsedSeconds").asDouble();
    long copied = job.path("rows").path("done").asLong();
    String verdict = report.path("verdict").asText();
    // The job's time covers its copy, finish and verification: its rate is over all of them.
    out.printf(Locale.ROOT, "%nSummary: job %s %s in %.1f s: %,d rows copied by %d worker%s, %,.0f rows/s over the whole job;"
        + " verdict %s%s.%n", job.path("id").asText(), job.path("state").asText(), seconds, copied, workers, workers == 1 ? "" : "s",
        copied / Math.max(seconds, 0.001), verdict,
        "clean".equals(verdict) ? " (source and target match in every range of every table)" : "");
    return ReportView.exitStatus(report);
  }
}
