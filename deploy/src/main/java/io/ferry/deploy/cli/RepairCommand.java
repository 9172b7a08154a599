package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "repair", mixinStandardHelpOptions = true,
    description = {"Re-copy what a job's verification found differing and verify those ranges again: exactly the"
        + " differing keys where the verification listed them all, else the range whole; each range in one target"
        + " transaction. Follow it with `ferry status JOB --watch` and `ferry report JOB`.",
        "Exit status 0 when the repair started, 1 when it was refused (the reasons are printed)."})
public final class RepairCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Mixin
  ApiMixin api;

  @Override
  public Integer call() throws Exception {
    ApiClient.Response response = api.client().post("/api/v1/jobs/" + jobId + "/repair", "", "application/json");
    if (response.status() >= 400 || response.body() == null) {
      SubmitCommand.printError(response);
      return 1;
    }
    JsonNode repairs = response.body().path("repairs");
    System.out.println("job " + jobId + ": repairing " + repairs.size() + " range(s)");
    for (JsonNode r : repairs) {
      System.out.println("  " + r.path("id").asText() + "  " + r.path("differingKeys").asLong() + " differing key(s), re-copies "
          + ("keys".equals(r.path("recopies").asText()) ? "those keys" : "the whole range"));
    }
    return 0;
  }
}
