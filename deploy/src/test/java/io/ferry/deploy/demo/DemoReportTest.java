package io.ferry.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ReportView;
import io.ferry.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoReportTest {

  static final String JOB = """
      {"id":"demo-abc","name":"demo","state":"%s","elapsedSeconds":2.0,"rows":{"done":1200}}""";

  static final String REPORT = """
      {"job":"demo-abc","name":"demo","state":"%s","mode":"drop_recreate","verdict":"%s","scope":"every range",
       "totals":{"sourceRows":1200,"targetRows":%d,"ranges":2,"rangesVerified":2,"rangesMismatched":%d,
                 "differingKeys":%d,"rejectedRows":0},
       "tables":[{"tenant":"district_1","table":"consolidated.students","sourceRows":1200,"targetRows":%d,"ranges":2,
                  "rangesVerified":2,"rangesMismatched":%d,"differingKeys":%d,"differencesListed":%d,"rejectedRows":0,
                  "verdict":"%s","differences":%s}]}""";

  @Test
  void aCleanJobEndsTheDemoWithItsReportAndExitStatusZero() throws Exception {
    String out = new String(print("succeeded", REPORT.formatted("succeeded", "clean", 1200, 0, 0, 1200, 0, 0, 0, "clean", "[]"),
        0), StandardCharsets.UTF_8);
    assertThat(out).contains("verdict: clean  (verified: every range)")
        .containsPattern("district_1 +consolidated\\.students +1,200 +1,200 +2 +2 +0 +0 +0 +0 +clean")
        .contains("Summary: job demo-abc succeeded in 2.0 s: 1,200 rows copied by 2 workers, 600 rows/s over the whole job; verdict clean"
            + " (source and target match in every range of every table).");
  }

  @Test
  void differencesEndTheDemoWithTheDifferingKeysAndExitStatusOne() throws Exception {
    String differences = "[{\"kind\":\"missing\",\"key\":[\"42\"],\"columns\":[]}]";
    String out = new String(print("failed", REPORT.formatted("failed", "differences", 1199, 1, 1, 1199, 1, 1, 1, "differences",
        differences), 1), StandardCharsets.UTF_8);
    assertThat(out).contains("verdict: differences", "differences in consolidated.students (tenant district_1):",
        "missing   key (42)", "Summary: job demo-abc failed in 2.0 s: 1,200 rows copied by 2 workers, 600 rows/s over the whole job;"
            + " verdict differences.");
  }

  /** Prints the demo's end for the job in {@code state} and the report, asserting the exit status. */
  private static byte[] print(String state, String report, int status) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonNode parsed = Json.mapper().readTree(report);
    int exit = DemoReport.print(Json.mapper().readTree(JOB.formatted(state)), parsed, 2, new PrintStream(bytes, true,
        StandardCharsets.UTF_8));
    assertThat(exit).as("the demo's exit status").isEqualTo(status).isEqualTo(ReportView.exitStatus(parsed));
    return bytes.toByteArray();
  }
}
