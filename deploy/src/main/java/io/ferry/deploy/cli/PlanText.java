package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A dry run's plan (the JSON of {@code POST /api/v1/jobs?dryRun=true}) for a terminal: the job's mode and
 * totals, a line per target table (key, split, units, estimated rows, size and copy time, DDL counts,
 * warnings), then the warnings and unusual column types in full; with {@code ddl}, every statement too.
 */
final class PlanText {

  private PlanText() {
  }

  static String render(JsonNode plan, boolean ddl) {
    StringBuilder out = new StringBuilder();
    String nl = System.lineSeparator();
    JsonNode totals = plan.path("totals");
    JsonNode estimate = plan.path("estimate");
    double readRate = estimate.path("readBytesPerSecond").asDouble();
    int parallel = Math.max(1, estimate.path("parallelUnits").asInt());
    out.append(String.format(Locale.ROOT, "plan of job %s: mode %s (%s), verify %s%n", plan.path("name").asText(),
        plan.path("mode").asText(), plan.path("modeDescription").asText(), plan.path("verify").asText("-")));
    int types = plan.path("types").size();
    out.append(String.format(Locale.ROOT, "%d tables, %d units in all, ~%,d rows, ~%s%s%n",
        totals.path("tables").asInt(), totals.path("units").asInt(), totals.path("estimatedRows").asLong(),
        StatusView.bytes(totals.path("estimatedBytes").asDouble()),
        types == 0 ? "" : "; " + types + (types == 1 ? " statement" : " statements") + " for user-defined types"));
    out.append(plan.path("estimatedDurationSeconds").isNumber()
        ? String.format(Locale.ROOT, "copy ~%s: %s/s per unit, %d units at once (%d worker slots); finish steps and limits"
            + " add to it%n", StatusView.seconds(plan.path("estimatedDurationSeconds").asDouble()), StatusView.bytes(readRate),
            parallel, estimate.path("workerSlots").asLong())
        : "copy time unknown: no table was large enough to measure its read rate" + nl);
    out.append(nl);
    TextTable table = new TextTable().left("TABLE").right("TENANTS").left("KEY").left("SPLIT").right("UNITS")
        .right("~ROWS").right("~SIZE").right("~COPY").right("DDL").right("FINISH").right("FKS").right("WARNINGS");
    List<String> notes = new ArrayList<>();
    for (JsonNode t : plan.path("tables")) {
      String name = t.path("table").asText();
      double bytes = t.path("estimatedBytes").asDouble();
      // The table's share of the job's estimate: the estimate's formula, summed over tables, is the job's.
      String copy = readRate > 0 ? StatusView.seconds(bytes / (readRate * parallel)) : "-";
      table.row(name, t.path("tenants").size(), String.join(",", ReportView.strings(t.path("key"))), t.path("splitMethod").asText("-"),
          t.path("units").asLong(), String.format(Locale.ROOT, "%,d", t.path("estimatedRows").asLong()),
          StatusView.bytes(bytes), copy, t.path("ddl").size(), t.path("finish").size(), t.path("foreignKeys").size(),
          t.path("warnings").size());
      t.path("warnings").forEach(w -> notes.add(name + ": " + w.asText()));
      for (JsonNode c : t.path("typeHandling")) {
        notes.add(name + ": column " + c.path("column").asText() + " " + c.path("type").asText() + " travels as "
            + c.path("handling").asText());
      }
    }
    out.append(table.render(""));
    if (!notes.isEmpty()) {
      out.append(nl).append("warnings and type handling:").append(nl);
      notes.forEach(n -> out.append("  ").append(n).append(nl));
    }
    if (ddl) {
      statements(out, "types", plan.path("types"));
      for (JsonNode t : plan.path("tables")) {
        statements(out, t.path("table").asText() + " (prepare)", t.path("ddl"));
        statements(out, t.path("table").asText() + " (finish)", t.path("finish"));
        statements(out, t.path("table").asText() + " (foreign keys, once every table is finished)", t.path("foreignKeys"));
      }
    }
    out.append(nl).append("Nothing was started. ").append(ddl ? "" : "--ddl lists the statements; ")
        .append("ferry submit without --dry-run runs the job.").append(nl);
    return out.toString();
  }

  private static void statements(StringBuilder out, String title, JsonNode statements) {
    if (statements.isEmpty()) {
      return;
    }
    out.append(System.lineSeparator()).append("-- ").append(title).append(System.lineSeparator());
    // A listing to read, not a script to run (ferry schema writes that): each statement on its own, ';'-ended.
    statements.forEach(s -> {
      String sql = s.asText().strip();
      out.append(sql).append(sql.endsWith(";") ? "" : ";").append(System.lineSeparator());
    });
  }
}
