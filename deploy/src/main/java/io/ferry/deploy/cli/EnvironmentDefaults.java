package io.ferry.deploy.cli;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment, then from a config file, then from the annotation: option
 * {@code --http-port} reads {@code FERRY_HTTP_PORT}, then key {@code http-port} of the properties file
 * named by {@code FERRY_CONFIG}. A flag on the command line always wins.
 *
 * <p>The options of the commands that send a request ({@link ApiCommand}: a rollback's selection, new
 * limits, filters, {@code --json}) come from the command line only, as do picocli's own: a variable left
 * in a shell must never widen a rollback or change a job's limits. Where the API is and its token
 * ({@link ApiMixin}) do come from the environment.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

  private final Map<String, String> environment;
  private final Properties file;

  public EnvironmentDefaults() {
    this(System.getenv());
  }

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = environment;
    this.file = load(environment.get("FERRY_CONFIG"));
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || requestOption(option)) {
      return null;
    }
    String name = option.longestName().replaceFirst("^-+", "");
    String env = environment.get("FERRY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (env != null && !env.isBlank()) {
      return env;
    }
    return file.getProperty(name);
  }

  private static boolean requestOption(OptionSpec option) {
    if (!(option.userObject() instanceof Field field)) {
      return false;
    }
    Class<?> owner = field.getDeclaringClass();
    return ApiCommand.class.isAssignableFrom(owner) || owner.getName().startsWith("picocli.");
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
