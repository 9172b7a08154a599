package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import org.junit.jupiter.api.Test;

class ReportViewTest {

  static final String REPORT = """
      {"job":"demo-abc","name":"demo","state":"failed","mode":"create","verdict":"differences","scope":"every range",
       "sample":false,"checks":"rows the target rejected; foreign-key orphans of 1 foreign key(s) among the job's 2 table(s)",
       "totals":{"sourceRows":1200,"targetRows":1199,"ranges":3,"rangesVerified":3,"rangesMismatched":1,
                 "differingKeys":2,"rejectedRows":4,"orphanedRows":5},
       "tables":[{"tenant":"d1","table":"public.orders","sourceRows":1000,"targetRows":999,"ranges":2,
                  "rangesVerified":2,"rangesMismatched":1,"differingKeys":2,"differencesListed":2,"rejectedRows":4,
                  "orphanedRows":0,"verdict":"differences","orphans":[],"differences":[
                    {"kind":"missing","key":["1042","a,b"],"columns":[],"range":"[1000, 2000)"},
                    {"kind":"different","key":["=HYPERLINK(\\"x\\")"],"columns":["total","note"],"range":"[1000, 2000)"}]},
                 {"tenant":"d2","table":"public.orders","sourceRows":200,"targetRows":200,"ranges":1,
                  "rangesVerified":1,"rangesMismatched":0,"differingKeys":0,"differencesListed":0,"rejectedRows":0,
                  "orphanedRows":5,"verdict":"differences","differences":[],"orphans":[
                    {"foreignKey":"orders_customer_fk","referencedTable":"public.customers","rows":3,
                     "keys":[["17"],["-4"]]},
                    {"foreignKey":"orders_shop_fk","referencedTable":"public.shops","rows":2,"keys":[]}]}]}""";

  @Test
  void theTextShowsTheVerdictEveryTenantTableAndEveryListedKey() throws Exception {
    String text = ReportView.text(Json.mapper().readTree(REPORT));
    assertThat(text).contains("job demo-abc (demo)  state failed", "verdict: differences  (verified: every range)");
    assertThat(text.lines().filter(l -> l.contains("d1") && l.contains("public.orders")).findFirst().orElseThrow())
        .contains("1,000", "999", "differences");
    assertThat(text).contains("TOTAL", "1,200", "1,199");
    assertThat(text).contains("job checks: rows the target rejected; foreign-key orphans of 1 foreign key(s)");
    assertThat(text.lines().filter(l -> l.contains("d2") && l.contains("public.orders")).findFirst().orElseThrow())
        .as("its orphans column").containsPattern("\\s5\\s+differences$");
    assertThat(text).contains("orphaned rows in public.orders (tenant d2):",
        "orders_customer_fk references public.customers: 3 row(s), keys (17) (-4)",
        "orders_shop_fk references public.shops: 2 row(s)\n");
    assertThat(text).contains("differences in public.orders (tenant d1):", "missing   key (1042, a,b)",
        "different key (=HYPERLINK(\"x\"))  columns total, note");
  }

  @Test
  void theCsvHasALinePerTableAndPerKeyQuotedAndSafeForSpreadsheets() throws Exception {
    String csv = ReportView.csv(Json.mapper().readTree(REPORT));
    String[] lines = csv.split("\r\n");
    assertThat(lines[0]).isEqualTo(ReportView.CSV_HEADER);
    assertThat(lines[1]).isEqualTo("table,d1,public.orders,1000,999,2,2,1,2,4,0,differences,,,,,,");
    assertThat(lines[2]).isEqualTo("table,d2,public.orders,200,200,1,1,0,0,0,5,differences,,,,,,");
    assertThat(lines[3]).isEqualTo("difference,d1,public.orders,,,,,,,,,,missing,\"1042,a,b\",,\"[1000, 2000)\",,");
    assertThat(lines[4]).as("a formula is defused, and its quotes doubled")
        .isEqualTo("difference,d1,public.orders,,,,,,,,,,different,\"'=HYPERLINK(\"\"x\"\")\",\"total,note\",\"[1000, 2000)\",,");
    assertThat(lines[5]).isEqualTo("orphan,d2,public.orders,,,,,,,,3,,orphan,17,,,orders_customer_fk,public.customers");
    assertThat(lines[6]).as("a negative number is no formula").isEqualTo("orphan,d2,public.orders,,,,,,,,3,,orphan,-4,,,orders_customer_fk,public.customers");
    assertThat(lines[7]).as("none of its rows listed: one line with its count")
        .isEqualTo("orphan,d2,public.orders,,,,,,,,2,,orphan,,,,orders_shop_fk,public.shops");
    assertThat(lines).hasSize(8);
    assertThat(lines).allSatisfy(l -> assertThat(l.split(",", -1).length - commasInQuotes(l))
        .as(l).isEqualTo(ReportView.CSV_HEADER.split(",").length));
  }

  /** Commas inside quoted fields, which do not separate fields. */
  private static int commasInQuotes(String line) {
    int n = 0;
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && quoted) {
        n++;
      }
    }
    return n;
  }

  @Test
  void aFieldIsQuotedOnlyWhenItMustBe() {
    assertThat(ReportView.field("plain")).isEqualTo("plain");
    assertThat(ReportView.field("-42")).isEqualTo("-42");
    assertThat(ReportView.field("-x")).isEqualTo("'-x");
    assertThat(ReportView.field("a\"b")).isEqualTo("\"a\"\"b\"");
  }
}
