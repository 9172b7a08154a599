package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.protocol.Json;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The control requests, {@code POST /api/v1/jobs/{id}/<verb>} (pause, resume and cancel with an optional
 * {@code {tenant, table}} body): each answers the job's summary
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
      return answer(api.client().post(ApiClient.job(jobId) + "/" + spec.name(), body(), "application/json"),
          ControlCommands::outcome);
    }

    /** The request's body: none (the whole job). */
    String body() {
      return "";
    }
  }

  /** A control verb that may name a tenant or table of the job instead of the whole job. */
  abstract static class Scoped extends Control {

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant (with --table: only its table).")
    String tenant;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Only this target table, of every tenant (with --tenant: of that one).")
    String table;

    @Override
    String body() {
      if (tenant == null && table == null) {
        return "";
      }
      ObjectNode body = Json.mapper().createObjectNode();
      if (tenant != null) {
        body.put("tenant", tenant);
      }
      if (table != null) {
        body.put("table", table);
      }
      return body.toString();
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = {
      "Pause a job, or one tenant or table of it.",
      "No unit (of the tenant or table) is handed out; the units in flight stop at their next chunk boundary"
          + " after committing it with its checkpoint.",
      "Exit codes: 0 paused (or already paused), 1 refused (the job has ended, the tenant or table is cancelled"
          + " or unknown), 2 usage."})
  public static final class Pause extends Scoped {
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = {
      "Resume a paused job, or a paused tenant or table of it.",
      "Its units are handed out again and continue from their checkpoints.",
      "Exit codes: 0 running (or already), 1 refused (not paused, rolling back, its passwords were lost"
          + " in a coordinator restart, or the tenant or table is cancelled or unknown), 2 usage."})
  public static final class Resume extends Scoped {
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = {
      "Cancel a job, or one tenant or table of it, for good.",
      "The units in flight stop at their next chunk boundary; every committed chunk stays in the target with"
          + " its checkpoint. A cancelled tenant or table lets the rest of the job run on; the job then ends"
          + " cancelled, not succeeded.",
      "Exit codes: 0 cancelled (or already), 1 refused (the job has ended, or the tenant or table is unknown),"
          + " 2 usage."})
  public static final class Cancel extends Scoped {
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

  /** "tenant a, table app.orders" of a paused or cancelled scope. */
  static String scope(JsonNode scope) {
    String tenant = scope.path("tenant").isTextual() ? scope.path("tenant").asText() : null;
    String table = scope.path("table").isTextual() ? scope.path("table").asText() : null;
    return tenant == null ? "table " + table : table == null ? "tenant " + tenant : "tenant " + tenant + ", table " + table;
  }

  /** The job's summary after a control request, and what can be done next. */
  static String outcome(JsonNode job) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "job %s is %s (phase %s; %,d of ~%,d rows copied)%n",
        job.path("id").asText(), job.path("state").asText(), job.path("phase").asText(),
        job.path("rows").path("done").asLong(), job.path("rows").path("estimated").asLong()));
    for (JsonNode s : job.path("scopes")) {
      out.append(String.format(Locale.ROOT, "%s %s%n", scope(s), s.path("state").asText()));
    }
    String hint = StatusView.hint(job.path("id").asText(), job.path("state").asText());
    if (hint != null) {
      out.append(hint).append(System.lineSeparator());
    }
    return out.toString();
  }
}
