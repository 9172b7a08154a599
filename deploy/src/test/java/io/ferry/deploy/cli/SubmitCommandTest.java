package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.deploy.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SubmitCommandTest {

  record Run(int exit, String err) {
  }

  static Run submit(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Ferry());
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "submit";
    System.arraycopy(args, 0, all, 1, args.length);
    int exit = cli.execute(all);
    return new Run(exit, err.toString());
  }

  @Test
  void aMissingSpecFileGetsAPlainMessage(@TempDir Path dir) {
    Path missing = dir.resolve("job.yaml");
    Run run = submit(missing.toString(), "--coordinator", "http://127.0.0.1:1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("ferry submit: " + missing + " does not exist" + System.lineSeparator());
  }

  @Test
  void aDirectoryIsNotASpecFile(@TempDir Path dir) {
    Run run = submit(dir.toString(), "--coordinator", "http://127.0.0.1:1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(dir + " is a directory").doesNotContain("Exception");
  }
}
