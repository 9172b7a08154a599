package io.ferry.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.StatusView;
import java.util.Locale;

/**
 * Shows a running job: on a terminal the full view redrawn in place; in a pipe or a log, one line every
 * five seconds, so the output stays readable.
 */
final class ProgressPrinter {

  private final boolean terminal = System.console() != null;
  private long lastLine;

  void show(JsonNode job) {
    if (terminal) {
      System.out.print("\033[H\033[2J" + StatusView.render(job));
      return;
    }
    long now = System.currentTimeMillis();
    if (now - lastLine >= 5000) {
      lastLine = now;
      System.out.printf(Locale.ROOT, "   %5.0f s  %-9s %-7s %,12d rows  %,10.0f rows/s%n", job.path("elapsedSeconds").asDouble(),
          job.path("state").asText(), job.path("phase").asText(), job.path("rows").path("done").asLong(),
          job.path("throughput").path("rowsPerSecond").asDouble());
    }
  }

  void last(JsonNode job) {
    if (!terminal) {
      System.out.print(StatusView.render(job));
    }
  }
}
