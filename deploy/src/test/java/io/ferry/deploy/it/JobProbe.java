package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the coordinator's API says about a job, its units and the workers, as the cluster tests ask it. */
final class JobProbe {

  /** A worker holding units of a job: its process, its id, and what it holds (unit id → epoch). */
  record Victim(Process process, String workerId, Map<String, Long> epochs) {
  }

  private final ApiClient api;

  JobProbe(ApiClient api) {
    this.api = api;
  }

  JsonNode job(String job) throws Exception {
    ApiClient.Response response = api.get("/api/v1/jobs/" + job);
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    return response.body();
  }

  ApiClient.Response control(String job, String action) throws Exception {
    return api.post("/api/v1/jobs/" + job + "/" + action, "", "application/json");
  }

  List<JsonNode> units(String job, String state) throws Exception {
    ApiClient.Response response = api.get("/api/v1/jobs/" + job + "/units?state=" + state);
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    List<JsonNode> units = new ArrayList<>();
    response.body().path("units").forEach(units::add);
    return units;
  }

  long leasedCount(String job) throws Exception {
    return units(job, "leased").size();
  }

  List<String> leasedBy(String job, String workerId) throws Exception {
    return units(job, "leased").stream().filter(u -> workerId.equals(u.path("workerId").asText()))
        .map(u -> u.path("id").asText()).toList();
  }

  /** The process ids of the workers the coordinator has heard from. */
  Set<Long> workerPids() throws Exception {
    Set<Long> pids = new HashSet<>();
    api.get("/api/v1/workers").body().path("workers").forEach(w -> pids.add(w.path("pid").asLong()));
    return pids;
  }

  /** Of the given worker processes, the live one holding the most copy units of the job right now. */
  Victim victim(String job, List<Process> workers) throws Exception {
    return victim(job, workers, "copy");
  }

  /** Of the given worker processes, the live one holding the most units of {@code kind} of the job right now. */
  Victim victim(String job, List<Process> workers, String kind) throws Exception {
    return Poll.until("a worker holding " + kind + " units of " + job, Duration.ofSeconds(20), () -> {
      Map<String, Process> processOf = new HashMap<>();
      api.get("/api/v1/workers").body().path("workers").forEach(w -> workers.stream()
          .filter(p -> p.isAlive() && p.pid() == w.path("pid").asLong())
          .findFirst().ifPresent(p -> processOf.put(w.path("id").asText(), p)));
      Map<String, Map<String, Long>> held = new HashMap<>();
      for (JsonNode u : units(job, "leased")) {
        if (kind.equals(u.path("kind").asText()) && processOf.containsKey(u.path("workerId").asText())) {
          held.computeIfAbsent(u.path("workerId").asText(), w -> new LinkedHashMap<>())
              .put(u.path("id").asText(), u.path("epoch").asLong());
        }
      }
      return held.entrySet().stream()
          .max((x, y) -> Integer.compare(x.getValue().size(), y.getValue().size()))
          .map(e -> new Victim(processOf.get(e.getKey()), e.getKey(), e.getValue()))
          .orElse(null);
    });
  }

  /** Each listed difference of a report (GET /api/v1/jobs/{id}/report) as "tenant table kind [key] [columns]". */
  static List<String> differences(JsonNode report) {
    List<String> out = new ArrayList<>();
    report.path("tables").forEach(t -> t.path("differences").forEach(d -> {
      List<String> key = new ArrayList<>();
      d.path("key").forEach(k -> key.add(k.asText()));
      List<String> columns = new ArrayList<>();
      d.path("columns").forEach(c -> columns.add(c.asText()));
      out.add(t.path("tenant").asText() + " " + t.path("table").asText() + " " + d.path("kind").asText() + " " + key
          + " " + columns);
    }));
    return out;
  }

  /** Every unit the victim held is done, or leased to another worker under a newer epoch. */
  boolean takenOver(String job, Victim victim) throws Exception {
    Map<String, JsonNode> byId = new HashMap<>();
    for (String state : List.of("leased", "done")) {
      units(job, state).forEach(u -> byId.put(u.path("id").asText(), u));
    }
    return victim.epochs().entrySet().stream().allMatch(e -> {
      JsonNode u = byId.get(e.getKey());
      return u != null && ("done".equals(u.path("state").asText())
          || (!victim.workerId().equals(u.path("workerId").asText()) && u.path("epoch").asLong() > e.getValue()));
    });
  }
}
