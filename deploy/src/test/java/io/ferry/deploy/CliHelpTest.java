package io.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class CliHelpTest {

  static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Ferry());
    cli.setOut(new PrintWriter(out));
    cli.execute(args);
    return out.toString();
  }

  /** Every command of the launcher, as DESIGN.md's public surface names them. */
  static final String[] COMMANDS = {"coordinator", "worker", "submit", "status", "units", "throughput", "workers", "pause", "resume",
      "cancel", "retry", "verify", "rollback", "limits", "report", "schema", "demo"};

  @Test
  void listsEveryCommandWithItsExitCodes() {
    String help = run("--help");
    for (String command : COMMANDS) {
      assertThat(help).containsPattern("(?m)^  " + command + " +[A-Z]");
    }
    assertThat(help).contains("Exit codes: 0 done, 1 failed or refused");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker", "submit", "status", "units", "throughput", "workers", "pause", "resume", "cancel",
      "retry", "verify", "rollback", "limits", "report", "schema", "demo"})
  void everyCommandHasHelpThatFitsEightyColumnsAndNamesItsExitCodes(String command) {
    String help = run(command, "--help");
    assertThat(help).contains("Usage: ferry " + command).containsPattern("(?s)Exit codes: 0 .*, 1 ");
    List<String> lines = help.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      assertThat(line.length()).as("line %d of ferry %s --help: %s", i, command, line).isLessThanOrEqualTo(80);
      String last = line.substring(line.lastIndexOf(' ') + 1);
      // A URL or an address cut at the end of a line cannot be copied: "http:" / "//127.0.0.1…", "127.0.0.1:" / "5701".
      assertThat(last).as("line %d of ferry %s --help ends inside an address: %s", i, command, line)
          .doesNotMatch("(?i)(https?|jdbc):|.*\\d:|.*://\\d+\\.");
    }
  }

  @Test
  void defaultAddressesStayWholeInTheHelp() {
    assertThat(run("status", "--help")).contains("Default: http://127.0.0.1:8080.");
    assertThat(run("coordinator", "--help")).contains("Default: 127.0.0.1:5701.");
    assertThat(run("worker", "--help")).contains("http://<cluster-host>:PORT/metrics");
    assertThat(run("demo", "--help")).contains("jdbc:sqlserver://127.0.0.1:1433;encrypt=false;");
  }

  /**
   * Picocli starts a new line at each element of a description: an element that stops mid-sentence leaves a
   * ragged line in the middle of a paragraph, so each must end as a sentence (or a clause introducing the next).
   */
  @Test
  void everyDescriptionLineEndsASentence() {
    List<String> problems = new ArrayList<>();
    CommandLine root = new CommandLine(new Ferry());
    for (CommandLine command : root.getSubcommands().values()) {
      CommandSpec spec = command.getCommandSpec();
      if (spec.name().equals("help")) {
        continue; // picocli's own
      }
      check(problems, "ferry " + spec.name(), spec.usageMessage().description());
      for (OptionSpec option : spec.options()) {
        check(problems, "ferry " + spec.name() + " " + option.longestName(), option.description());
      }
    }
    assertThat(problems).isEmpty();
  }

  private static void check(List<String> problems, String where, String[] description) {
    for (String line : description) {
      if (!line.isEmpty() && !line.matches("(?s).*[.:;)]")) {
        problems.add(where + ": " + line);
      }
    }
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
        "verdict", "Exit codes: 0 when the verdict is clean");
  }

  @Test
  void repairIsAVerbThatSaysWhatItReCopiesAndItsExitStatus() {
    assertThat(run("--help")).contains("repair");
    assertThat(run("repair", "--help")).contains("Usage: ferry repair", "JOB", "differing keys", "range whole",
        "Exit codes: 0 repairing, 1 refused");
  }

  @Test
  void demoHelpSaysItEndsWithTheVerificationReportAndItsExitStatus() {
    // Words, not lines: the help wraps at 80 columns wherever the sentence falls.
    assertThat(run("demo", "--help").replaceAll("\\s+", " ")).contains("Usage: ferry demo",
        "ends with the job's verification report, as ferry report JOB prints it",
        "Exit codes: 0 the verdict is clean, 1 the job failed or the verdict is not clean", "--source", "--scale");
  }

  @Test
  void coordinatorFlagsHaveLoopbackDefaults() {
    assertThat(run("coordinator", "--help")).contains("--http-port", "(default: 8080)", "--http-host=HOST", "Default: 127.0.0.1.", "--join");
  }
}
