package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of every process in the middle of the copy, then a fresh coordinator and fresh workers: the
 * coordinator rebuilds the job from the target database alone and the job ends with every row once.
 */
class RestartEverythingIT {

  static final List<String> TABLES = List.of("public.items", "public.orders", "public.customers");

  TestPostgres pg = new TestPostgres();
  ProcessCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    pg.close();
  }

  @Test
  void finishesAJobAfterEveryProcessIsKilledMidCopy() throws Exception {
    // Its JVMs start while the tenants fill.
    cluster = ItCluster.start(getClass(), 2, 2);
    String tenantA = pg.createDatabase("restart_a");
    String tenantB = pg.createDatabase("restart_b");
    String target = pg.createDatabase("restart_target");
    try (Connection a = pg.connect(tenantA); Connection b = pg.connect(tenantB)) {
      Fixture.create(a, 1, 150_000);
      Fixture.create(b, 2, 150_000);
    }
    ApiClient api = ItCluster.ready(cluster, null, 2);

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "restart");
    spec.put("source", Map.of("engine", "postgresql", "tenants", List.of(
        Map.of("id", "a", "url", pg.url(tenantA), "user", pg.user()),
        Map.of("id", "b", "url", pg.url(tenantB), "user", pg.user()))));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(),
        "schema", "merged", "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", TABLES));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 4000));
    spec.put("verify", "none");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String jobId = submitted.body().path("id").asText();

    // Wait until some, but not all, copy units have committed; then kill everything at once.
    long committed = waitForCommittedCopyUnits(target, jobId, 3);
    cluster.killAll();
    long copyUnits;
    try (Connection t = pg.connect(target)) {
      copyUnits = TargetChecks.count(t, "SELECT count(*) FROM ferry.units WHERE job_id = '" + jobId + "' AND unit_id LIKE 'copy:%'");
      committed = TargetChecks.count(t, "SELECT count(*) FROM ferry.checkpoints WHERE job_id = '" + jobId
          + "' AND unit_id LIKE 'copy:%' AND done");
    }
    assertThat(committed).as("the kill came in the middle of the copy").isBetween(1L, copyUnits - 1);

    cluster.startCoordinator();
    cluster.startWorker(2);
    cluster.startWorker(2);
    ClusterWait.ready(api, 2);
    JsonNode job = ClusterWait.finished(api, jobId, state -> { }, 250);
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    TargetChecks checks = new TargetChecks(pg, Map.of("a", tenantA, "b", tenantB), target, "merged", "tenant_id");
    checks.assertTargetEqualsSources(TABLES);
    checks.assertEveryUnitCommittedOnce(jobId, TABLES);
  }

  long waitForCommittedCopyUnits(String target, String jobId, int atLeast) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    try (Connection t = pg.connect(target)) {
      while (System.currentTimeMillis() < deadline) {
        try {
          long done = TargetChecks.count(t, "SELECT count(*) FROM ferry.checkpoints WHERE job_id = '" + jobId
              + "' AND unit_id LIKE 'copy:%' AND done");
          if (done >= atLeast) {
            return done;
          }
        } catch (java.sql.SQLException notYet) {
          // the ferry schema appears with the first unit
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("no copy unit committed within a minute");
  }
}
