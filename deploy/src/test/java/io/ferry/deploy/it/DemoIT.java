package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry demo} as a user runs it (the README's first command), small: three districts on the test
 * PostgreSQL consolidated by a real cluster, ending with the job's verification report and the exit
 * status of its verdict.
 */
class DemoIT {

  final String prefix = "ferry_it_demo_" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void dropDatabases() throws Exception {
    try (TestPostgres pg = new TestPostgres(); Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      for (String db : new String[] {"_district_1", "_district_2", "_district_3", "_target"}) {
        st.execute("DROP DATABASE IF EXISTS " + prefix + db + " WITH (FORCE)");
      }
    }
  }

  @Test
  void consolidatesTheDistrictsAndEndsWithTheCleanVerificationReport() throws Exception {
    CliRun run = CliRun.of(300, "demo", "--scale", "0.01", "--workers", "1", "--database-prefix", prefix);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertCleanReport(run.output(), Map.of("schools", 200L, "students", 1200L, "enrollments", 2300L));
  }

  /**
   * The demo's output ends with the job's report, as {@code ferry report} prints it: a clean verdict over
   * every range, a clean line per district and table with its rows on both sides, and the summary.
   */
  static void assertCleanReport(String output, Map<String, Long> rowsPerDistrict) {
    assertThat(output).as(output).containsPattern("5\\. Verification report \\(ferry report demo-[a-z0-9]+ --coordinator http://")
        .contains("verdict: clean  (verified: every range)", "TENANT", "SOURCE ROWS", "VERDICT")
        .containsPattern("Summary: job demo-[a-z0-9]+ succeeded in [\\d.]+ s: [\\d,]+ rows copied by 1 worker, .* verdict clean "
            + "\\(source and target match in every range of every table\\)\\.")
        .doesNotContain("differences in ", "\tat ");
    for (var table : rowsPerDistrict.entrySet()) {
      String rows = String.format("%,d", table.getValue());
      for (int d = 1; d <= 3; d++) {
        assertThat(output).containsPattern("district_" + d + " +consolidated\\." + table.getKey() + " +" + rows + " +" + rows
            + " +(\\d+) +\\1 +0 +0 +0 +0 +clean");
      }
    }
  }
}
