package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.deploy.Ferry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class EnvironmentDefaultsTest {

  static final Map<String, String> ENVIRONMENT = Map.of("FERRY_COORDINATOR", "http://10.0.0.5:8080", "FERRY_API_TOKEN", "s3cret",
      "FERRY_TENANT", "district_1", "FERRY_TABLE", "public.orders", "FERRY_ROWS_PER_SECOND", "5", "FERRY_JSON", "true",
      "FERRY_HELP", "true", "FERRY_HTTP_PORT", "9090");

  static String defaultOf(String command, String option) {
    CommandSpec spec = new CommandLine(new Ferry()).getSubcommands().get(command).getCommandSpec();
    return new EnvironmentDefaults(ENVIRONMENT).defaultValue(spec.findOption(option));
  }

  @Test
  void whereTheApiIsAndItsTokenComeFromTheEnvironment() {
    assertThat(defaultOf("rollback", "--coordinator")).isEqualTo("http://10.0.0.5:8080");
    assertThat(defaultOf("limits", "--api-token")).isEqualTo("s3cret");
    assertThat(defaultOf("coordinator", "--http-port")).isEqualTo("9090");
  }

  @Test
  void whatARequestAsksForComesFromTheCommandLineOnly() {
    assertThat(defaultOf("rollback", "--tenant")).as("a stray FERRY_TENANT must not widen a rollback").isNull();
    assertThat(defaultOf("rollback", "--table")).isNull();
    assertThat(defaultOf("limits", "--rows-per-second")).as("showing limits must not change them").isNull();
    assertThat(defaultOf("status", "--json")).isNull();
    assertThat(defaultOf("status", "--help")).isNull();
  }
}
