package io.ferry.coordinator.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A job's report ({@link io.ferry.coordinator.progress.JobReport}) as one self-contained HTML page: no
 * script, no external style or font, every value from the job escaped (table names and keys are the
 * user's data).
 */
final class ReportPage {

  private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
      + "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
      + "td.n{text-align:right;font-variant-numeric:tabular-nums}.clean{color:#186a1b}.differences{color:#a4161a}"
      + ".verdict{font-size:1.4em;font-weight:bold}code{font-family:ui-monospace,monospace}";

  private ReportPage() {
  }

  static String render(JsonObject report) {
    StringBuilder h = new StringBuilder(4096);
    String job = report.getString("job");
    String verdict = report.getString("verdict");
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ferry report: ")
        .append(esc(job)).append("</title><style>").append(STYLE).append("</style></head><body>");
    h.append("<h1>Job ").append(esc(job)).append("</h1>");
    h.append("<p class=\"verdict ").append(verdict.startsWith("clean") ? "clean" : verdict.equals("differences") ? "differences" : "")
        .append("\">Verdict: ").append(esc(verdict)).append("</p>");
    h.append("<p>State ").append(esc(report.getString("state"))).append(", mode ").append(esc(report.getString("mode")))
        .append(", verified: ").append(esc(report.getString("scope"))).append(".</p>");
    h.append("<p>Job checks: ").append(esc(report.getString("checks"))).append(".</p>");
    h.append("<table><thead><tr><th>Tenant</th><th>Table</th><th>Source rows</th><th>Target rows</th><th>Ranges</th>"
        + "<th>Verified</th><th>Mismatched</th><th>Differing keys</th><th>Rejected rows</th><th>Orphaned rows</th><th>Verdict</th></tr></thead><tbody>");
    JsonArray tables = report.getJsonArray("tables");
    for (int i = 0; i < tables.size(); i++) {
      JsonObject t = tables.getJsonObject(i);
      h.append("<tr><td>").append(esc(t.getString("tenant"))).append("</td><td>").append(esc(t.getString("table")))
          .append("</td>");
      number(h, t, "sourceRows");
      number(h, t, "targetRows");
      number(h, t, "ranges");
      number(h, t, "rangesVerified");
      number(h, t, "rangesMismatched");
      number(h, t, "differingKeys");
      number(h, t, "rejectedRows");
      number(h, t, "orphanedRows");
      h.append("<td>").append(esc(t.getString("verdict"))).append("</td></tr>");
    }
    JsonObject totals = report.getJsonObject("totals");
    h.append("</tbody><tfoot><tr><th colspan=\"2\">Total</th>");
    for (String field : new String[] {"sourceRows", "targetRows", "ranges", "rangesVerified", "rangesMismatched",
        "differingKeys", "rejectedRows", "orphanedRows"}) {
      number(h, totals, field);
    }
    h.append("<td></td></tr></tfoot></table>");
    for (int i = 0; i < tables.size(); i++) {
      JsonObject t = tables.getJsonObject(i);
      JsonArray differences = t.getJsonArray("differences");
      if (differences.isEmpty()) {
        continue;
      }
      h.append("<h2>Differences in ").append(esc(t.getString("table"))).append(", tenant ").append(esc(t.getString("tenant")))
          .append("</h2>");
      if (t.getLong("differencesListed") < t.getLong("differingKeys")) {
        h.append("<p>The first ").append(t.getLong("differencesListed")).append(" of ").append(t.getLong("differingKeys"))
            .append(" differing keys.</p>");
      }
      h.append("<table><thead><tr><th>Kind</th><th>Key</th><th>Columns</th><th>Range</th></tr></thead><tbody>");
      for (int j = 0; j < differences.size(); j++) {
        JsonObject d = differences.getJsonObject(j);
        h.append("<tr><td>").append(esc(d.getString("kind"))).append("</td><td><code>")
            .append(esc(String.join(", ", strings(d.getJsonArray("key"))))).append("</code></td><td>")
            .append(esc(String.join(", ", strings(d.getJsonArray("columns"))))).append("</td><td><code>")
            .append(esc(d.getString("range"))).append("</code></td></tr>");
      }
      h.append("</tbody></table>");
    }
    orphans(h, tables);
    return h.append("</body></html>").toString();
  }

  /** Per tenant table, its rows whose foreign key references a missing row, by foreign key. */
  private static void orphans(StringBuilder h, JsonArray tables) {
    for (int i = 0; i < tables.size(); i++) {
      JsonObject t = tables.getJsonObject(i);
      JsonArray orphans = t.getJsonArray("orphans");
      if (orphans == null || orphans.isEmpty()) {
        continue;
      }
      h.append("<h2>Orphaned rows in ").append(esc(t.getString("table"))).append(", tenant ")
          .append(esc(t.getString("tenant"))).append("</h2>");
      h.append("<table><thead><tr><th>Foreign key</th><th>References</th><th>Rows</th><th>First keys</th></tr></thead><tbody>");
      for (int j = 0; j < orphans.size(); j++) {
        JsonObject o = orphans.getJsonObject(j);
        java.util.List<String> keys = new java.util.ArrayList<>();
        JsonArray listed = o.getJsonArray("keys");
        for (int k = 0; listed != null && k < listed.size(); k++) {
          keys.add("(" + String.join(", ", strings(listed.getJsonArray(k))) + ")");
        }
        h.append("<tr><td>").append(esc(o.getString("foreignKey"))).append("</td><td>").append(esc(o.getString("referencedTable")))
            .append("</td>");
        number(h, o, "rows");
        h.append("<td><code>").append(esc(String.join(" ", keys))).append("</code></td></tr>");
      }
      h.append("</tbody></table>");
    }
  }

  private static void number(StringBuilder h, JsonObject o, String field) {
    h.append("<td class=\"n\">").append(String.format(java.util.Locale.ROOT, "%,d", o.getLong(field, 0L))).append("</td>");
  }

  private static java.util.List<String> strings(JsonArray a) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; a != null && i < a.size(); i++) {
      out.add(String.valueOf(a.getValue(i)));
    }
    return out;
  }

  /** Text as HTML: the five characters that could open markup or close an attribute. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
