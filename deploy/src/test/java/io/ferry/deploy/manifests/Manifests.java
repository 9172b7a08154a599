package io.ferry.deploy.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ferry.deploy.Ferry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The deployment files under {@code deploy/} as parsed trees, and what the code says they may refer to. */
final class Manifests {

  static final Path DEPLOY = Path.of("").toAbsolutePath();
  static final Path COMPOSE = DEPLOY.resolve("docker/compose.yaml");
  static final Path PROMETHEUS = DEPLOY.resolve("docker/prometheus.yml");
  static final Path K8S = DEPLOY.resolve("k8s/ferry.yaml");
  static final Path KEDA = DEPLOY.resolve("k8s/keda-scaledobject.yaml");
  static final Path GRAFANA = DEPLOY.resolve("grafana");
  static final Path DASHBOARD = GRAFANA.resolve("dashboards/ferry.json");

  /** The image every manifest runs: the one deploy's Jib build names, tagged latest (KubernetesFilesTest checks). */
  static final String IMAGE = "ferry:latest";

  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {
  }

  static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a multi-document YAML file. */
  static List<JsonNode> documents(Path file) {
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      return new ObjectMapper().readValues(parser, JsonNode.class).readAll().stream().filter(d -> !d.isNull()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The environment variables a {@code ferry} subcommand reads, from its picocli model: {@code FERRY_} and
   * each option's longest name in capitals ({@code EnvironmentDefaults}), to the option's default value.
   */
  static Map<String, String> environment(String subcommand) {
    CommandLine command = new CommandLine(new Ferry()).getSubcommands().get(subcommand);
    if (command == null) {
      throw new AssertionError("ferry has no subcommand " + subcommand);
    }
    Map<String, String> names = new TreeMap<>();
    for (OptionSpec option : command.getCommandSpec().options()) {
      String name = option.longestName().replaceFirst("^-+", "");
      names.put("FERRY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), option.defaultValue());
    }
    return names;
  }

  /** The default of an option of a subcommand, read from its picocli model. */
  static String defaultOf(String subcommand, String option) {
    CommandLine command = new CommandLine(new Ferry()).getSubcommands().get(subcommand);
    return command.getCommandSpec().findOption(option).defaultValue();
  }

  /** {@code FERRY_…} names among {@code names} that the subcommand does not read. */
  static Set<String> unknownFerryNames(String subcommand, Iterable<String> names) {
    Set<String> known = environment(subcommand).keySet();
    List<String> all = new ArrayList<>();
    names.forEach(all::add);
    return all.stream().filter(n -> n.startsWith("FERRY_") && !known.contains(n)).collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
