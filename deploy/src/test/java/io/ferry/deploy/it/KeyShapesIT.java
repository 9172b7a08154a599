package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.KeyShapes;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every key shape of {@link KeyShapes} through a real coordinator and two worker processes, two tenants
 * into one target: among them a nullable unique key (with its NULL-key unit), ctid block ranges, a
 * partitioned table (parent prepared once, leaves copied as their own units, one from another schema)
 * and a skewed text key whose units must come out balanced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyShapesIT {

  static final int ROWS = 2_000;

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  Map<String, String> tenants = new LinkedHashMap<>();
  String target;

  @BeforeAll
  void startCluster() throws Exception {
    // Its JVMs start while the tenants fill.
    cluster = ItCluster.start(getClass(), 2, 2);
    pg = new TestPostgres();
    tenants.put("a", pg.createDatabase("shapes_a"));
    tenants.put("b", pg.createDatabase("shapes_b"));
    target = pg.createDatabase("shapes_target");
    int tenant = 1;
    for (String database : tenants.values()) {
      try (Connection c = pg.connect(database); Statement st = c.createStatement()) {
        KeyShapes.create(c, tenant++, ROWS);
        // Planner statistics for every table: the survey sizes the units from them.
        st.execute("ANALYZE");
      }
    }
    api = ItCluster.ready(cluster, null, 2);
  }

  @AfterAll
  void stopCluster() throws Exception {
    ItCluster.close(cluster, pg);
  }

  @Test
  void copiesEveryKeyShapeOfTwoTenantsExactlyOnceInBalancedUnits() throws Exception {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "shapes");
    List<Map<String, Object>> sources = new ArrayList<>();
    tenants.forEach((id, db) -> sources.add(Map.of("id", id, "url", pg.url(db), "user", pg.user())));
    spec.put("source", Map.of("engine", "postgresql", "tenants", sources));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "merged",
        "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", List.of("public.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 500));
    // Verified too: the only job that verifies every range of every key shape.
    spec.put("verify", "full");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String jobId = submitted.body().path("id").asText();

    JsonNode job = ClusterWait.finished(api, jobId, state -> { }, 250);
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    TargetChecks checks = new TargetChecks(pg, tenants, target, "merged", "tenant_id");
    checks.assertTargetEqualsSources(KeyShapes.TABLES);
    List<WorkUnit> units = checks.assertEveryUnitCommittedOnce(jobId, KeyShapes.COPIED);

    assertThat(units).filteredOn(u -> u.kind() == UnitKind.COPY).extracting((WorkUnit u) -> u.slice().table()).doesNotContain("merged.measurements");
    assertThat(units).filteredOn(u -> u.kind() == UnitKind.PREPARE).extracting((WorkUnit u) -> u.slice().table())
        .contains("merged.measurements").doesNotContain("merged.measurements_2024");
    assertThat(units).filteredOn(u -> u.kind() == UnitKind.COPY && u.slice().range().nullKeys()).extracting((WorkUnit u) -> u.slice().table())
        .containsOnly("merged.nullable_keys").hasSize(2);
    assertThat(units).filteredOn(u -> u.kind() == UnitKind.COPY && u.slice().table().equals("merged.heap_rows")).hasSizeGreaterThan(2);
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_partition_tree('merged.measurements') WHERE isleaf")).isEqualTo(3);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'merged.measurements_2023'::regclass"
          + " AND contype = 'p'")).as("the parent's key reached its partitions").isEqualTo(1);
      // The skewed text key: rows per unit (from the checkpoints) within twice of each other.
      List<Long> rows = new ArrayList<>();
      for (WorkUnit u : units) {
        if (u.kind() == UnitKind.COPY && u.slice().table().equals("merged.skewed_codes") && u.slice().tenantId().equals("a")) {
          rows.add(TargetChecks.count(t, "SELECT rows FROM ferry.checkpoints WHERE job_id = '" + jobId + "' AND unit_id = '"
              + u.id() + "'"));
        }
      }
      assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
      assertThat(rows.stream().mapToLong(Long::longValue).max().orElseThrow())
          .as("rows per unit %s", rows).isLessThanOrEqualTo(2 * rows.stream().mapToLong(Long::longValue).min().orElseThrow());
    }
  }
}
