package io.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliHelpTest {

  static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Ferry());
    cli.setOut(new PrintWriter(out));
    cli.execute(args);
    return out.toString();
  }

  @Test
  void listsEveryCommand() {
    assertThat(run("--help")).contains("coordinator", "worker", "submit", "status", "report", "schema", "demo");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker", "submit", "status", "report", "schema", "demo"})
  void everyCommandHasHelp(String command) {
    assertThat(run(command, "--help")).contains("Usage: ferry " + command);
  }

  @Test
  void schemaHelpNamesTheOutputAndTheExitCodes() {
    assertThat(run("schema", "--help")).contains("--out=FILE", "standard output", "ferry.schema_scripts",
        "0 written, 1 plan refused");
  }

  @Test
  void schemaWithoutOutIsAUsageError() {
    CommandLine cli = new CommandLine(new Ferry());
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("schema", "spec.yaml")).isEqualTo(2);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("schema", "no-such-spec.yaml", "--out", "schema.sql")).isEqualTo(2);
    assertThat(err.toString()).contains("ferry schema: no-such-spec.yaml does not exist");
  }

  @Test
  void reportHelpNamesItsFormatsAndTheExitStatus() {
    assertThat(run("report", "--help")).contains("Usage: ferry report", "JOB", "--format=FORMAT", "csv", "json",
        "verdict", "Exit status 0 when the verdict is clean");
  }

  @Test
  void demoHelpSaysItEndsWithTheVerificationReportAndItsExitStatus() {
    assertThat(run("demo", "--help")).contains("Usage: ferry demo", "end with the job's verification report",
        "'ferry report JOB'", "Exit status 0 when its verdict is clean, 1 otherwise.", "--source", "--scale");
  }

  @Test
  void coordinatorFlagsHaveLoopbackDefaults() {
    assertThat(run("coordinator", "--help")).contains("--http-port", "(default: 8080)", "--http-host=HOST", "(default: 127.0.0.1;", "--join");
  }
}
