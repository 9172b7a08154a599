package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit a job spec (YAML or JSON) to the coordinator; --dry-run prints the plan instead.")
public final class SubmitCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "The job spec, .yaml/.yml or .json.")
  Path file;

  @Option(names = "--dry-run", description = "Validate and plan, start nothing; prints tables, units, DDL.")
  boolean dryRun;

  @Mixin
  ApiMixin api;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String unreadable = unreadable(file);
    if (unreadable != null) {
      spec.commandLine().getErr().println("ferry submit: " + unreadable);
      spec.commandLine().getErr().flush();
      return 2;
    }
    String body = Files.readString(file);
    String name = file.getFileName().toString().toLowerCase();
    String type = name.endsWith(".json") ? "application/json" : "application/yaml";
    ApiClient.Response response = api.client().post("/api/v1/jobs" + (dryRun ? "?dryRun=true" : ""), body, type);
    if (response.status() >= 400) {
      printError(response);
      return 1;
    }
    if (dryRun) {
      System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(response.body()));
      return 0;
    }
    String id = response.body().path("id").asText();
    System.out.println("Submitted job " + id + " (" + response.body().path("state").asText() + ")");
    System.out.println("Watch it with: ferry status " + id + " --watch");
    return 0;
  }

  /** Why the spec file cannot be read, in plain words; null when it can. */
  static String unreadable(Path file) {
    if (!Files.exists(file)) {
      return file + " does not exist";
    }
    if (Files.isDirectory(file)) {
      return file + " is a directory: give the job spec file (.yaml or .json)";
    }
    if (!Files.isReadable(file)) {
      return file + " is not readable by this user (permission denied)";
    }
    return null;
  }

  static void printError(ApiClient.Response response) {
    JsonNode body = response.body();
    if (body == null) {
      System.err.println("HTTP " + response.status() + ": " + response.text());
      return;
    }
    System.err.println("HTTP " + response.status() + ": " + body.path("error").asText());
    for (JsonNode detail : body.path("details")) {
      System.err.println("  - " + detail.asText());
    }
  }
}
