package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code GET /api/v1/workers}: the live workers, their units and rates. */
@Command(name = "workers", mixinStandardHelpOptions = true, description = {
    "List the live workers.",
    "Per worker: host and process, its state (working, idle, or stalled: no heartbeat for a while), units held"
        + " of the units it runs at once, rows/s now, rows written in all, and how long ago its last heartbeat came.",
    "Exit codes: 0 listed, 1 refused, 2 usage."})
public final class WorkersCommand extends ApiCommand {

  @Override
  public Integer call() throws Exception {
    return answer(api.client().get("/api/v1/workers"), body -> text(body, Instant.now()));
  }

  static String text(JsonNode body, Instant now) {
    JsonNode workers = body.path("workers");
    if (workers.isEmpty()) {
      return "no worker is connected (start one with: ferry worker)" + System.lineSeparator();
    }
    TextTable table = new TextTable().left("WORKER").left("HOST").right("PID").left("STATE").right("UNITS").right("ROWS/S")
        .right("ROWS").right("LAST SEEN");
    for (JsonNode w : workers) {
      table.row(w.path("id").asText(), w.path("host").asText(), w.path("pid").asLong(), w.path("state").asText("-"),
          w.path("activeUnits").size() + "/" + w.path("maxUnits").asInt(),
          StatusView.number(w.path("rowsPerSecond").asDouble()),
          String.format(Locale.ROOT, "%,d", w.path("rowsTotal").asLong()), ago(w.path("lastSeen").asText(), now));
    }
    return table.render("");
  }

  private static String ago(String instant, Instant now) {
    try {
      long seconds = Math.max(0, Duration.between(Instant.parse(instant), now).toSeconds());
      return StatusView.seconds(seconds) + " ago";
    } catch (DateTimeParseException e) {
      return instant;
    }
  }
}
