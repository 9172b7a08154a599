package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import org.junit.jupiter.api.Test;

class ReportViewTest {

  static final String REPORT = """
      {"job":"demo-abc","name":"demo","state":"failed","mode":"create","verdict":"differences","scope":"every range",
       "sample":false,
       "totals":{"sourceRows":1200,"targetRows":1199,"ranges":3,"rangesVerified":3,"rangesMismatched":1,
                 "differingKeys":2,"rejectedRows":4},
       "tables":[{"tenant":"d1","table":"public.orders","sourceRows":1000,"targetRows":999,"ranges":2,
                  "rangesVerified":2,"rangesMismatched":1,"differingKeys":2,"differencesListed":2,"rejectedRows":4,
                  "verdict":"differences","differences":[
                    {"kind":"missing","key":["1042","a,b"],"columns":[],"range":"[1000, 2000)"},
                    {"kind":"different","key":["=HYPERLINK(\\"x\\")"],"columns":["total","note"],"range":"[1000, 2000)"}]},
                 {"tenant":"d2","table":"public.orders","sourceRows":200,"targetRows":200,"ranges":1,
                  "rangesVerified":1,"rangesMismatched":0,"differingKeys":0,"differencesListed":0,"rejectedRows":0,
                  "verdict":"clean","differences":[]}]}""";

  @Test
  void theTextShowsTheVerdictEveryTenantTableAndEveryListedKey() throws Exception {
    String text = ReportView.text(Json.mapper().readTree(REPORT));
    assertThat(text).contains("job demo-abc (demo)  state failed", "verdict: differences  (verified: every range)");
    assertThat(text.lines().filter(l -> l.contains("d1") && l.contains("public.orders")).findFirst().orElseThrow())
        .contains("1,000", "999", "differences");
    assertThat(text).contains("TOTAL", "1,200", "1,199");
    assertThat(text).contains("differences in public.orders (tenant d1):", "missing   key (1042, a,b)",
        "different key (=HYPERLINK(\"x\"))  columns total, note");
  }

  @Test
  void theCsvHasALinePerTableAndPerKeyQuotedAndSafeForSpreadsheets() throws Exception {
    String csv = ReportView.csv(Json.mapper().readTree(REPORT));
    String[] lines = csv.split("\r\n");
    assertThat(lines[0]).isEqualTo(ReportView.CSV_HEADER);
    assertThat(lines[1]).isEqualTo("table,d1,public.orders,1000,999,2,2,1,2,4,differences,,,,");
    assertThat(lines[2]).isEqualTo("table,d2,public.orders,200,200,1,1,0,0,0,clean,,,,");
    assertThat(lines[3]).isEqualTo("difference,d1,public.orders,,,,,,,,,missing,\"1042,a,b\",,\"[1000, 2000)\"");
    assertThat(lines[4]).as("a formula is defused, and its quotes doubled")
        .isEqualTo("difference,d1,public.orders,,,,,,,,,different,\"'=HYPERLINK(\"\"x\"\")\",\"total,note\",\"[1000, 2000)\"");
    assertThat(lines).hasSize(5);
  }

  @Test
  void aFieldIsQuotedOnlyWhenItMustBe() {
    assertThat(ReportView.field("plain")).isEqualTo("plain");
    assertThat(ReportView.field("-42")).isEqualTo("-42");
    assertThat(ReportView.field("-x")).isEqualTo("'-x");
    assertThat(ReportView.field("a\"b")).isEqualTo("\"a\"\"b\"");
  }
}
