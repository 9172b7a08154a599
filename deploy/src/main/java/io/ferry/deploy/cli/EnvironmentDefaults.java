package io.ferry.deploy.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment, then from a config file, then from the annotation: option
 * {@code --http-port} reads {@code FERRY_HTTP_PORT}, then key {@code http-port} of the properties file
 * named by {@code FERRY_CONFIG}. A flag on the command line always wins.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

  private final Properties file;

  public EnvironmentDefaults() {
    this.file = load(System.getenv("FERRY_CONFIG"));
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String name = option.longestName().replaceFirst("^-+", "");
    String env = System.getenv("FERRY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (env != null && !env.isBlank()) {
      return env;
    }
    return file.getProperty(name);
  }

  private static Properties load(String path) {
    Properties properties = new Properties();
    if (path == null || path.isBlank()) {
      return properties;
    }
    try (Reader reader = Files.newBufferedReader(Path.of(path))) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("FERRY_CONFIG names " + path + ", which cannot be read: " + e.getMessage());
    }
    return properties;
  }
}
