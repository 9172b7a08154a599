package io.ferry.deploy.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar ferry.jar ARGS} as a user would, and captures what it prints. */
record CliRun(int exitCode, String output) {

  static CliRun of(String... args) throws IOException, InterruptedException {
    return of(120, args);
  }

  /** As {@link #of(String...)}, failing when the command runs longer than {@code limitSeconds}. */
  static CliRun of(int limitSeconds, String... args) throws IOException, InterruptedException {
    return of(Map.of(), limitSeconds, args);
  }

  /** As {@link #of(int, String...)}, with these variables added to the environment. */
  static CliRun of(Map<String, String> environment, int limitSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-jar", Path.of(System.getProperty("ferry.jar")).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("ferry " + String.join(" ", args) + " did not end in " + limitSeconds + " s: " + output);
    }
    return new CliRun(process.exitValue(), output);
  }
}
