package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.deploy.Ferry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster flags are checked before anything starts: a usage error (exit 2) in the flags' words. */
class ClusterFlagsTest {

  @TempDir
  Path state;

  @Test
  void aCoordinatorBindingEveryInterfaceMustSayWhatItAdvertises() {
    Result result = run("coordinator", "--cluster-host", "0.0.0.0", "--http-port", "0", "--cluster-port", "0",
        "--state-dir", state.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("--cluster-host 0.0.0.0 binds every interface", "--cluster-public-host")
        .doesNotContain("Exception");
  }

  @Test
  void aWorkerRefusesAWildcardPublicHostAndABadEventBusPort() {
    Result wildcard = run("worker", "--cluster-host", "0.0.0.0", "--cluster-public-host", "0.0.0.0");
    assertThat(wildcard.exit()).isEqualTo(2);
    assertThat(wildcard.err()).contains("--cluster-public-host 0.0.0.0 is no address the other members can reach");
    Result port = run("worker", "--event-bus-port", "-1");
    assertThat(port.exit()).isEqualTo(2);
    assertThat(port.err()).contains("--event-bus-port must be between 0 (a free one) and 65535, not -1");
  }

  private record Result(int exit, String err) {
  }

  /** As the launcher runs it, without the environment: the command must end at once, never start a cluster. */
  private static Result run(String... args) {
    StringWriter err = new StringWriter();
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      var cli = Ferry.commandLine().setDefaultValueProvider(new EnvironmentDefaults(Map.of()));
      cli.setErr(new PrintWriter(err));
      return cli.execute(args);
    });
    return new Result(exit, err.toString());
  }
}
