package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTextTest {

  static final String PLAN = """
      {"name": "districts", "mode": "upsert", "verify": "full",
       "modeDescription": "insert new rows and update existing ones by key; never deletes",
       "types": ["CREATE TYPE app.mood AS ENUM ('ok')"],
       "tables": [{"table": "app.orders", "tenants": ["district_1", "district_2"], "key": ["tenant_id", "id"],
                   "splitMethod": "primary_key", "keySampleMethod": "histogram",
                   "estimatedRows": 1200000, "estimatedBytes": 96000000, "units": 6, "copyFormat": "text",
                   "typeHandling": [{"column": "moods", "type": "app.mood[]", "handling": "text: array of user-defined type app.mood"}],
                   "targetExists": true, "targetHasRows": true,
                   "ddl": ["CREATE TABLE IF NOT EXISTS app.orders (id int)"], "finish": ["ALTER TABLE app.orders ADD PRIMARY KEY (id);", "ANALYZE app.orders"],
                   "foreignKeys": [],
                   "warnings": ["the target table holds rows: rows with the same key are updated, the others added; none is deleted"]},
                  {"table": "app.codes", "tenants": ["district_1"], "key": [], "splitMethod": "single_unit",
                   "estimatedRows": 10, "estimatedBytes": 8192, "units": 1, "typeHandling": [], "ddl": ["CREATE TABLE app.codes (c text)"],
                   "finish": [], "foreignKeys": [], "warnings": []}],
       "totals": {"tables": 2, "units": 12, "estimatedRows": 1200010, "estimatedBytes": 96008192},
       "estimatedDurationSeconds": 12,
       "estimate": {"readBytesPerSecond": 2000000.0, "parallelUnits": 4, "workerSlots": 8}}""";

  @Test
  void showsALinePerTableWithItsKeySplitUnitsEstimatesAndCounts() throws Exception {
    String text = PlanText.render(Json.mapper().readTree(PLAN), false);
    assertThat(text).startsWith("plan of job districts: mode upsert (insert new rows and update existing ones by key;"
        + " never deletes), verify full");
    assertThat(text).contains("2 tables, 12 units in all, ~1,200,010 rows, ~91.6 MB; 1 statement for user-defined types\n"
        + "copy ~12s: 1.9 MB/s per unit, 4 units at once (8 worker slots); finish steps and limits add to it\n");
    List<String> lines = text.lines().toList();
    String header = lines.stream().filter(l -> l.startsWith("TABLE")).findFirst().orElseThrow();
    assertThat(header.split("\\s+")).containsExactly("TABLE", "TENANTS", "KEY", "SPLIT", "UNITS", "~ROWS", "~SIZE", "~COPY",
        "DDL", "FINISH", "FKS", "WARNINGS");
    // 96,000,000 bytes at 2,000,000 B/s on 4 units: 12 s, the job's estimate; its columns line up with the header's.
    String orders = lines.stream().filter(l -> l.startsWith("app.orders")).findFirst().orElseThrow();
    assertThat(orders.split("\\s+")).containsExactly("app.orders", "2", "tenant_id,id", "primary_key", "6", "1,200,000",
        "91.6", "MB", "12s", "1", "2", "0", "1");
    assertThat(orders).hasSameSizeAs(header);
    assertThat(lines.stream().filter(l -> l.startsWith("app.codes")).findFirst().orElseThrow().split("\\s+"))
        .containsExactly("app.codes", "1", "single_unit", "1", "10", "8", "kB", "0s", "1", "0", "0", "0");
    assertThat(text).contains("warnings and type handling:",
        "  app.orders: the target table holds rows: rows with the same key are updated",
        "  app.orders: column moods app.mood[] travels as text: array of user-defined type app.mood",
        "Nothing was started. --ddl lists the statements");
    assertThat(text).doesNotContain("CREATE TABLE");
  }

  @Test
  void ddlListsEveryStatementOnceTerminated() throws Exception {
    String text = PlanText.render(Json.mapper().readTree(PLAN), true);
    assertThat(text).contains("-- types", "CREATE TYPE app.mood AS ENUM ('ok');", "-- app.orders (prepare)",
            "CREATE TABLE IF NOT EXISTS app.orders (id int);", "-- app.orders (finish)",
            "ALTER TABLE app.orders ADD PRIMARY KEY (id);", "ANALYZE app.orders;")
        .doesNotContain(";;", "(foreign keys");
  }

  @Test
  void anUnmeasuredPlanSaysItsDurationIsUnknown() throws Exception {
    JsonNode plan = Json.mapper().readTree(PLAN.replace("\"estimatedDurationSeconds\": 12", "\"estimatedDurationSeconds\": null")
        .replace("\"readBytesPerSecond\": 2000000.0", "\"readBytesPerSecond\": null"));
    String text = PlanText.render(plan, false);
    assertThat(text).contains("copy time unknown: no table was large enough to measure its read rate");
    assertThat(text.lines().filter(l -> l.startsWith("app.orders")).findFirst().orElseThrow()).contains(" - ");
  }
}
