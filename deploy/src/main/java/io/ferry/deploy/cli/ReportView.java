package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a job's report (the JSON of GET /api/v1/jobs/{id}/report) for a terminal, or as CSV. */
public final class ReportView {

  static final String CSV_HEADER = "record,tenant,table,source_rows,target_rows,ranges,ranges_verified,ranges_mismatched,"
      + "differing_keys,rejected_rows,orphaned_rows,verdict,kind,key,columns,range,foreign_key,referenced_table";

  private ReportView() {
  }

  /** 0 when the report's verdict is clean, else 1: a script can gate on the verdict without parsing the report. */
  public static int exitStatus(JsonNode report) {
    return "clean".equals(report.path("verdict").asText()) ? 0 : 1;
  }

  public static String text(JsonNode report) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "job %s (%s)  state %s  mode %s%n", report.path("job").asText(),
        report.path("name").asText(), report.path("state").asText(), report.path("mode").asText("-")));
    out.append(String.format(Locale.ROOT, "verdict: %s  (verified: %s)%n", report.path("verdict").asText(),
        report.path("scope").asText()));
    if (report.hasNonNull("checks")) {
      out.append(String.format(Locale.ROOT, "job checks: %s%n", report.path("checks").asText()));
    }
    String row = "  %-12s %-32s %14s %14s %8s %9s %11s %10s %10s %10s  %s%n";
    out.append(String.format(Locale.ROOT, row, "TENANT", "TABLE", "SOURCE ROWS", "TARGET ROWS", "RANGES", "VERIFIED",
        "MISMATCHED", "DIFF KEYS", "REJECTED", "ORPHANS", "VERDICT"));
    for (JsonNode t : report.path("tables")) {
      out.append(String.format(Locale.ROOT, row, t.path("tenant").asText(), t.path("table").asText(),
          count(t, "sourceRows"), count(t, "targetRows"), count(t, "ranges"), count(t, "rangesVerified"),
          count(t, "rangesMismatched"), count(t, "differingKeys"), count(t, "rejectedRows"), count(t, "orphanedRows"),
          t.path("verdict").asText()));
    }
    JsonNode totals = report.path("totals");
    out.append(String.format(Locale.ROOT, row, "TOTAL", "", count(totals, "sourceRows"), count(totals, "targetRows"),
        count(totals, "ranges"), count(totals, "rangesVerified"), count(totals, "rangesMismatched"),
        count(totals, "differingKeys"), count(totals, "rejectedRows"), count(totals, "orphanedRows"), ""));
    for (JsonNode t : report.path("tables")) {
      if (t.path("differences").isEmpty()) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "%ndifferences in %s (tenant %s)%s:%n", t.path("table").asText(),
          t.path("tenant").asText(), t.path("differencesListed").asLong() < t.path("differingKeys").asLong()
              ? String.format(Locale.ROOT, ", the first %d of %d", t.path("differencesListed").asLong(),
                  t.path("differingKeys").asLong()) : ""));
      for (JsonNode d : t.path("differences")) {
        String columns = String.join(", ", strings(d.path("columns")));
        out.append(String.format(Locale.ROOT, "  %-9s key (%s)%s%n", d.path("kind").asText(),
            String.join(", ", strings(d.path("key"))), columns.isEmpty() ? "" : "  columns " + columns));
      }
    }
    for (JsonNode t : report.path("tables")) {
      if (t.path("orphans").isEmpty()) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "%norphaned rows in %s (tenant %s):%n", t.path("table").asText(),
          t.path("tenant").asText()));
      for (JsonNode o : t.path("orphans")) {
        List<String> keys = new ArrayList<>();
        o.path("keys").forEach(k -> keys.add("(" + String.join(", ", strings(k)) + ")"));
        out.append(String.format(Locale.ROOT, "  %s references %s: %s row(s)%s%n", o.path("foreignKey").asText(),
            o.path("referencedTable").asText(), count(o, "rows"), keys.isEmpty() ? "" : ", keys " + String.join(" ", keys)));
      }
    }
    return out.toString();
  }

  /**
   * One {@code table} line per tenant table, then one {@code difference} line per listed differing key, then
   * one {@code orphan} line per listed orphaned row (its foreign key's count in {@code orphaned_rows}; one line
   * without a key when none of the key's rows is listed).
   */
  public static String csv(JsonNode report) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
    for (JsonNode t : report.path("tables")) {
      line(out, "table", t.path("tenant").asText(), t.path("table").asText(), t.path("sourceRows").asText(),
          t.path("targetRows").asText(), t.path("ranges").asText(), t.path("rangesVerified").asText(),
          t.path("rangesMismatched").asText(), t.path("differingKeys").asText(), t.path("rejectedRows").asText(),
          t.path("orphanedRows").asText("0"), t.path("verdict").asText(), "", "", "", "", "", "");
    }
    for (JsonNode t : report.path("tables")) {
      for (JsonNode d : t.path("differences")) {
        line(out, "difference", t.path("tenant").asText(), t.path("table").asText(), "", "", "", "", "", "", "", "", "",
            d.path("kind").asText(), String.join(",", strings(d.path("key"))),
            String.join(",", strings(d.path("columns"))), d.path("range").asText(""), "", "");
      }
    }
    for (JsonNode t : report.path("tables")) {
      for (JsonNode o : t.path("orphans")) {
        List<String> keys = new ArrayList<>();
        o.path("keys").forEach(k -> keys.add(String.join(",", strings(k))));
        for (String key : keys.isEmpty() ? List.of("") : keys) {
          line(out, "orphan", t.path("tenant").asText(), t.path("table").asText(), "", "", "", "", "", "", "",
              o.path("rows").asText(), "", "orphan", key, "", "", o.path("foreignKey").asText(),
              o.path("referencedTable").asText());
        }
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String... fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(fields[i]));
    }
    out.append("\r\n");
  }

  /**
   * RFC 4180 quoting; a value a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a
   * quote mark, as keys and table names are the user's data.
   */
  static String field(String value) {
    String v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !isNumber(v)) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  private static boolean isNumber(String v) {
    return v.matches("-?\\d+(\\.\\d+)?");
  }

  private static String count(JsonNode node, String field) {
    return String.format(Locale.ROOT, "%,d", node.path(field).asLong());
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isNull() ? "NULL" : n.asText()));
    return out;
  }
}
