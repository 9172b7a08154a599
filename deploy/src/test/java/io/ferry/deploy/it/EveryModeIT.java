package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every key shape, every type, partitions, keyless tables, odd identifiers and megabyte values, from two
 * tenants through a coordinator and two worker processes, in every mode one after the other on the same
 * target (create, drop_recreate, truncate, upsert twice, preserve_schema into emptied tables) and in
 * append on a fresh target; after each job the target equals the sources, tenant by tenant and table by
 * table, and every unit committed once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryModeIT {

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  String tenantA;
  String tenantB;

  @BeforeAll
  void start() throws Exception {
    // Its JVMs start while the tenants fill.
    cluster = ItCluster.start(getClass(), 2, 2, "--chunk-rows", "700");
    pg = new TestPostgres();
    tenantA = pg.createDatabase("every_a");
    tenantB = pg.createDatabase("every_b");
    try (Connection a = pg.connect(tenantA); Connection b = pg.connect(tenantB)) {
      EveryShape.create(a, 1);
      EveryShape.create(b, 2);
    }
    api = ItCluster.ready(cluster, null, 2);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
  }

  /**
   * The first job also verifies (every range of every shape and type found clean); the others are compared
   * here only. Append has a target of its own and runs beside the others.
   */
  @Test
  void everyShapeAndTypeInEveryMode() throws Exception {
    String target = pg.createDatabase("every_target");
    String appendTarget = pg.createDatabase("every_append");
    try (ExecutorService beside = Executors.newSingleThreadExecutor()) {
      Future<?> append = beside.submit(() -> {
        runAndCompare("append", "none", appendTarget, EveryShape.TABLES, List.of());
        return null;
      });
      runAndCompare("create", "full", target, EveryShape.TABLES, List.of());
      for (String mode : List.of("drop_recreate", "truncate")) {
        runAndCompare(mode, "none", target, EveryShape.TABLES, List.of());
      }
      // Upsert matches rows by the primary key: tables without one are left out (the preflight would say so).
      List<String> keyed = EveryShape.TABLES.stream().filter(t -> !EveryShape.WITHOUT_PRIMARY_KEY.contains(t)).toList();
      runAndCompare("upsert", "none", target, keyed, EveryShape.WITHOUT_PRIMARY_KEY);
      runAndCompare("upsert", "none", target, keyed, EveryShape.WITHOUT_PRIMARY_KEY);
      try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
        st.execute("TRUNCATE every.composite_key, every.uuid_key, every.text_key, every.unique_only, every.no_key, "
            + "every.measurements, every.all_types, every.\"Order Lines\", every.big_values");
      }
      runAndCompare("preserve_schema", "none", target, EveryShape.TABLES, List.of());
      append.get();
    }
  }

  void runAndCompare(String mode, String verify, String target, List<String> tables, List<String> exclude) throws Exception {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "every-" + mode.replace('_', '-'));
    spec.put("source", Map.of("engine", "postgresql", "tenants", List.of(
        Map.of("id", "a", "url", pg.url(tenantA), "user", pg.user()), Map.of("id", "b", "url", pg.url(tenantB), "user", pg.user()))));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "every",
        "tenantColumn", "tenant_id"));
    if (!exclude.isEmpty()) {
      spec.put("tables", Map.of("include", List.of("*.*"), "exclude", exclude));
    }
    spec.put("mode", mode);
    spec.put("unit", Map.of("rows", 1000));
    spec.put("verify", verify);
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as("%s: %s", mode, submitted.text()).isEqualTo(201);
    String jobId = submitted.body().path("id").asText();
    JsonNode job = ClusterWait.finished(api, jobId, j -> { }, 250);
    assertThat(job.path("state").asText()).as("%s: %s", mode, job).isEqualTo("succeeded");
    TargetChecks checks = new TargetChecks(pg, Map.of("a", tenantA, "b", tenantB), target, "every", "tenant_id");
    checks.assertTargetEqualsSources(tables);
    checks.assertEveryUnitCommittedOnce(jobId, tables);
  }
}
