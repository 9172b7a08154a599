package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "repair", mixinStandardHelpOptions = true,
    description = {"Re-copy what a job's verification found differing and verify those ranges again.",
        "Exactly the differing keys where the verification listed them all, else the range whole; each range in"
            + " one target transaction. Follow it with ferry status JOB --watch and ferry report JOB.",
        "Exit codes: 0 repairing, 1 refused (the reasons are printed), 2 usage."})
public final class RepairCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Override
  public Integer call() throws Exception {
    return answer(api.client().post(ApiClient.job(jobId) + "/repair", "", "application/json"),
        body -> repairs(jobId, body));
  }

  private static String repairs(String jobId, JsonNode body) {
    StringBuilder out = new StringBuilder();
    JsonNode repairs = body.path("repairs");
    out.append("job ").append(jobId).append(": repairing ").append(repairs.size()).append(" range(s)")
        .append(System.lineSeparator());
    for (JsonNode r : repairs) {
      out.append("  ").append(r.path("id").asText()).append("  ").append(r.path("differingKeys").asLong())
          .append(" differing key(s), re-copies ")
          .append("keys".equals(r.path("recopies").asText()) ? "those keys" : "the whole range")
          .append(System.lineSeparator());
    }
    return out.toString();
  }
}
