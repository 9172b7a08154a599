package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;

/** Renders a job (the JSON of GET /api/v1/jobs/{id}) as terminal lines: a header and a bar per table. */
public final class StatusView {

  public static final Set<String> TERMINAL_STATES = Set.of("succeeded", "failed", "cancelled");
  private static final int BAR = 30;

  private StatusView() {
  }

  public static String render(JsonNode job) {
    StringBuilder out = new StringBuilder();
    JsonNode rows = job.path("rows");
    JsonNode throughput = job.path("throughput");
    out.append(String.format(Locale.ROOT, "job %s (%s)  state %s  phase %s  elapsed %s%n",
        job.path("id").asText(), job.path("name").asText(), job.path("state").asText(),
        job.path("phase").asText(), seconds(job.path("elapsedSeconds").asDouble())));
    out.append(String.format(Locale.ROOT, "rows %,d / ~%,d   now %s rows/s, %s/s   average %s rows/s   ETA %s%n",
        rows.path("done").asLong(), rows.path("estimated").asLong(),
        number(throughput.path("rowsPerSecond").asDouble()), bytes(throughput.path("bytesPerSecond").asDouble()),
        number(throughput.path("averageRowsPerSecond").asDouble()),
        job.path("etaSeconds").isNumber() ? seconds(job.path("etaSeconds").asDouble()) : "-"));
    JsonNode units = job.path("units");
    out.append(String.format(Locale.ROOT, "units %d done, %d running, %d pending, %d blocked, %d failed of %d%n",
        units.path("done").asInt(), units.path("leased").asInt(), units.path("pending").asInt(),
        units.path("blocked").asInt(), units.path("failed").asInt(), units.path("total").asInt()));
    long rejected = rows.path("rejected").asLong();
    if (rejected > 0) {
      out.append(String.format(Locale.ROOT, "rejected %,d rows (onRowError: reject): the target's ferry.rejects holds"
          + " each with its key, payload and error%n", rejected));
    }
    String hint = hint(job.path("id").asText(), job.path("state").asText());
    if (hint != null) {
      out.append(hint).append(System.lineSeparator());
    }
    JsonNode verification = job.path("verification");
    if (verification.path("ranges").asInt() > 0) {
      out.append(String.format(Locale.ROOT, "verification %s: %d of %d ranges verified, %d mismatched, %,d differing keys"
          + " (ferry report %s)%n", verification.path("verdict").asText(), verification.path("verified").asInt(),
          verification.path("ranges").asInt(), verification.path("mismatched").asInt(),
          verification.path("differingKeys").asLong(), job.path("id").asText()));
    }
    if (job.hasNonNull("error")) {
      out.append("error: ").append(job.path("error").asText()).append(System.lineSeparator());
    }
    for (JsonNode table : job.path("tables")) {
      long done = table.path("rowsDone").asLong();
      long estimated = Math.max(table.path("rowsEstimated").asLong(), 0);
      boolean finished = "done".equals(table.path("state").asText());
      double fraction = finished ? 1.0 : estimated == 0 ? 0.0 : Math.min(1.0, (double) done / estimated);
      int filled = (int) Math.round(fraction * BAR);
      long tableRejected = table.path("rowsRejected").asLong();
      out.append(String.format(Locale.ROOT, "  %-32s [%s%s] %3.0f%%  %,d rows%s  %s%n",
          table.path("table").asText(), "#".repeat(filled), ".".repeat(BAR - filled), fraction * 100, done,
          tableRejected > 0 ? String.format(Locale.ROOT, " (+%,d rejected)", tableRejected) : "",
          table.path("state").asText()));
    }
    for (JsonNode failed : job.path("failedUnits")) {
      out.append("  FAILED ").append(failed.path("id").asText()).append(": ").append(failed.path("error").asText())
          .append(System.lineSeparator());
    }
    return out.toString();
  }

  /** What a user can do next with a job in this state, as the CLI's verbs. */
  static String hint(String id, String state) {
    return switch (state) {
      case "paused" -> "paused: no unit is handed out; continue with ferry resume " + id + " (or ferry cancel " + id + ")";
      case "failed" -> "failed: ferry units " + id + " --state failed shows why; after fixing the cause, ferry retry " + id
          + " runs the failed units again (a job that failed its verification: ferry verify " + id + " compares again)";
      case "verifying" -> "verifying: comparing the copied ranges, source against target; ferry report " + id + " shows the findings";
      case "cancelled" -> "cancelled: final; every committed chunk is in the target with its checkpoint";
      default -> null;
    };
  }

  static String number(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  static String bytes(double value) {
    if (value >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MB", value / (1 << 20));
    }
    return String.format(Locale.ROOT, "%.0f kB", value / 1024);
  }

  static String seconds(double value) {
    long s = Math.round(value);
    return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
