package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The control requests without a body, {@code POST /api/v1/jobs/{id}/<verb>}: each answers the job's summary
 * once the change is recorded in the job's target, or 409 when the job's state does not allow it.
 */
public final class ControlCommands {

  private ControlCommands() {
  }

  /** One control verb: the request's path segment is the verb's name. */
  abstract static class Control extends ApiCommand {

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Override
    public Integer call() throws Exception {
      return answer(api.client().post(ApiClient.job(jobId) + "/" + spec.name(), "", "application/json"),
          ControlCommands::outcome);
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = {
      "Pause a job.",
      "No unit is handed out; the units in flight stop at their next chunk boundary after committing it with"
          + " its checkpoint.",
      "Exit codes: 0 paused (or already paused), 1 refused (the job has ended), 2 usage."})
  public static final class Pause extends Control {
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = {
      "Resume a paused job.",
      "Its units are handed out again and continue from their checkpoints.",
      "Exit codes: 0 running (or already), 1 refused (not paused, rolling back, or its passwords were lost"
          + " in a coordinator restart), 2 usage."})
  public static final class Resume extends Control {
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = {
      "Cancel a job, for good.",
      "The units in flight stop at their next chunk boundary; every committed chunk stays in the target with"
          + " its checkpoint.",
      "Exit codes: 0 cancelled (or already), 1 refused (the job succeeded), 2 usage."})
  public static final class Cancel extends Control {
  }

  @Command(name = "retry", mixinStandardHelpOptions = true, description = {
      "Run a job's failed units again.",
      "They resume from their checkpoints, with their attempts reset; ferry units JOB --state failed shows"
          + " their errors.",
      "Exit codes: 0 running again, 1 refused (no failed unit, or rolling back), 2 usage."})
  public static final class Retry extends Control {
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = {
      "Verify a finished job again.",
      "Every copied range is compared again, source against target; ferry report JOB shows the findings.",
      "Exit codes: 0 verifying, 1 refused (the job runs, was cancelled, or failed before its copy ended),"
          + " 2 usage."})
  public static final class Verify extends Control {
  }

  /** The job's summary after a control request, and what can be done next. */
  static String outcome(JsonNode job) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "job %s is %s (phase %s; %,d of ~%,d rows copied)%n",
        job.path("id").asText(), job.path("state").asText(), job.path("phase").asText(),
        job.path("rows").path("done").asLong(), job.path("rows").path("estimated").asLong()));
    String hint = StatusView.hint(job.path("id").asText(), job.path("state").asText());
    if (hint != null) {
      out.append(hint).append(System.lineSeparator());
    }
    return out.toString();
  }
}
