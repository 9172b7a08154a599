package io.ferry.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cli.StatusView;
import java.io.IOException;
import java.util.function.Consumer;

/** Polls the coordinator's API until the cluster is ready or a job has ended. */
public final class ClusterWait {

  private ClusterWait() {
  }

  /** Waits (up to two minutes) for the coordinator to be ready and {@code workers} workers to be registered. */
  public static void ready(ApiClient api, int workers) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    String last = "no answer yet";
    while (System.currentTimeMillis() < deadline) {
      try {
        if (api.get("/ready").status() == 200) {
          int registered = api.get("/api/v1/workers").body().path("workers").size();
          if (registered >= workers) {
            return;
          }
          last = registered + " of " + workers + " workers registered";
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the cluster did not get ready in 2 minutes: " + last);
  }

  /** Polls the job every second, handing each state to {@code show}, until it ends; returns its last state. */
  public static JsonNode finished(ApiClient api, String jobId, Consumer<JsonNode> show) throws IOException, InterruptedException {
    return finished(api, jobId, show, 1000);
  }

  /** Polls the job every {@code intervalMillis}, handing each state to {@code show}, until it ends; returns its last state. */
  public static JsonNode finished(ApiClient api, String jobId, Consumer<JsonNode> show, long intervalMillis)
      throws IOException, InterruptedException {
    while (true) {
      ApiClient.Response response = api.get("/api/v1/jobs/" + jobId);
      if (response.status() != 200) {
        throw new IllegalStateException("GET job " + jobId + ": HTTP " + response.status() + " " + response.text());
      }
      JsonNode job = response.body();
      show.accept(job);
      if (StatusView.TERMINAL_STATES.contains(job.path("state").asText())) {
        return job;
      }
      Thread.sleep(intervalMillis);
    }
  }
}
