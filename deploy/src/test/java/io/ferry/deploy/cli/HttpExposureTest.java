package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.deploy.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HttpExposureTest {

  @TempDir
  Path state;

  @Test
  void theCoordinatorRefusesANonLoopbackApiWithoutAToken() {
    StringWriter err = new StringWriter();
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      CommandLine cli = new CommandLine(new Ferry());
      cli.setErr(new PrintWriter(err));
      return cli.execute("coordinator", "--http-host", "0.0.0.0", "--http-port", "0", "--cluster-port", "0",
          "--state-dir", state.toString());
    });
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("--http-host 0.0.0.0", "API token", "--insecure-no-auth");
  }

  @Test
  void loopbackNeedsNoTokenAndTheOptOutIsExplicit() {
    assertThatCode(() -> HttpExposure.check("127.0.0.1", false, false)).doesNotThrowAnyException();
    assertThatCode(() -> HttpExposure.check("localhost", false, false)).doesNotThrowAnyException();
    assertThatCode(() -> HttpExposure.check("::1", false, false)).doesNotThrowAnyException();
    assertThatCode(() -> HttpExposure.check("0.0.0.0", true, false)).doesNotThrowAnyException();
    assertThatCode(() -> HttpExposure.check("0.0.0.0", false, true)).doesNotThrowAnyException();
    assertThatThrownBy(() -> HttpExposure.check("10.0.0.5", false, false)).hasMessageContaining("no API token");
  }
}
