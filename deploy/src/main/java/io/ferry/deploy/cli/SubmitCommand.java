package io.ferry.deploy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true, description = {
    "Submit a job spec, or print its plan (--dry-run).",
    "The spec (YAML or JSON) is validated and planned by the coordinator; a job starts at once unless"
        + " --dry-run, which prints the plan and starts nothing.",
    "Exit codes: 0 submitted (or planned), 1 refused (every problem printed), 2 usage (e.g. no such file)."})
public final class SubmitCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "The job spec, .yaml/.yml or .json.")
  Path file;

  @Option(names = "--dry-run", description = "Validate and plan, start nothing: per table the key, split, units,"
      + " estimated rows, size and copy time, DDL counts and warnings.")
  boolean dryRun;

  @Option(names = "--ddl", description = "With --dry-run: also print every statement the job would run.")
  boolean ddl;

  @Override
  public Integer call() throws Exception {
    String unreadable = unreadable(file);
    if (unreadable != null) {
      return usage(unreadable);
    }
    String body = Files.readString(file);
    String name = file.getFileName().toString().toLowerCase();
    String type = name.endsWith(".json") ? "application/json" : "application/yaml";
    ApiClient.Response response = api.client().post("/api/v1/jobs" + (dryRun ? "?dryRun=true" : ""), body, type);
    if (dryRun) {
      return answer(response, plan -> PlanText.render(plan, ddl));
    }
    return answer(response, job -> {
      String id = job.path("id").asText();
      return "Submitted job " + id + " (" + job.path("state").asText() + ")" + System.lineSeparator()
          + "Watch it with: ferry status " + id + " --watch" + System.lineSeparator();
    });
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
}
