package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code PATCH /api/v1/jobs/{id}} with {@code {"limits": {…}}}: changes a job's limits while it runs, then
 * shows them as the coordinator recorded them. Without a limit option it only shows them.
 */
@Command(name = "limits", mixinStandardHelpOptions = true, description = {
    "Show a job's limits, or change them while it runs.",
    "Rates hold for all workers together and apply within a second; 'none' removes a limit, an option not"
        + " given keeps it. With --json: the change's answer (the job's summary), or the job's status.",
    "Exit codes: 0 shown or changed, 1 refused (a value out of range, a finished job), 2 usage."})
public final class LimitsCommand extends ApiCommand {

  /** A limit given on the command line: a whole number, or null for {@code none}. */
  record Limit(Long value) {
  }

  /** Reads {@code 5000}, {@code 5_000} or {@code none}. */
  static final class LimitConverter implements ITypeConverter<Limit> {
    @Override
    public Limit convert(String text) {
      String t = text.trim().replace("_", "");
      if (t.equalsIgnoreCase("none")) {
        return new Limit(null);
      }
      try {
        return new Limit(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a whole number or none");
      }
    }
  }

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--rows-per-second", paramLabel = "N|none", converter = LimitConverter.class,
      description = "Rows written per second, all workers together.")
  Limit rowsPerSecond;

  @Option(names = "--bytes-per-second", paramLabel = "N|none", converter = LimitConverter.class,
      description = "Bytes written per second, all workers together.")
  Limit bytesPerSecond;

  @Option(names = "--max-units", paramLabel = "N|none", converter = LimitConverter.class,
      description = "Units of this job running at once, cluster-wide.")
  Limit maxUnits;

  @Option(names = "--max-units-per-source", paramLabel = "N|none", converter = LimitConverter.class,
      description = "Copy units reading one source server (host:port) at once.")
  Limit maxUnitsPerSource;

  @Override
  public Integer call() throws Exception {
    ApiClient client = api.client();
    Map<String, Limit> given = given();
    if (!given.isEmpty()) {
      ObjectNode limits = Json.mapper().createObjectNode();
      given.forEach((field, limit) -> {
        if (limit.value() == null) {
          limits.putNull(field);
        } else {
          limits.put(field, limit.value());
        }
      });
      ObjectNode body = Json.mapper().createObjectNode();
      body.set("limits", limits);
      ApiClient.Response patched = client.patch(ApiClient.job(jobId), body.toString());
      if (json || failed(patched)) {
        return answer(patched, job -> "");
      }
    }
    // The limits as recorded: the job's spec holds them, the patch's answer (a summary) does not.
    return answer(client.get(ApiClient.job(jobId)), status -> (given.isEmpty() ? ""
        : "changed " + String.join(", ", given.keySet()) + System.lineSeparator())
        + text(status.path("id").asText(), status.path("spec").path("limits")));
  }

  private Map<String, Limit> given() {
    Map<String, Limit> given = new LinkedHashMap<>();
    if (rowsPerSecond != null) {
      given.put("rowsPerSecond", rowsPerSecond);
    }
    if (bytesPerSecond != null) {
      given.put("bytesPerSecond", bytesPerSecond);
    }
    if (maxUnits != null) {
      given.put("maxUnits", maxUnits);
    }
    if (maxUnitsPerSource != null) {
      given.put("maxUnitsPerSource", maxUnitsPerSource);
    }
    return given;
  }

  static String text(String jobId, JsonNode limits) {
    return String.format(Locale.ROOT, "job %s limits: rows/s %s, bytes/s %s, units at once %s, units per source %s%n",
        jobId, value(limits, "rowsPerSecond"), value(limits, "bytesPerSecond"), value(limits, "maxUnits"),
        value(limits, "maxUnitsPerSource"));
  }

  private static String value(JsonNode limits, String field) {
    JsonNode v = limits.path(field);
    return v.isNumber() ? String.format(Locale.ROOT, "%,d", v.asLong()) : "none";
  }
}
