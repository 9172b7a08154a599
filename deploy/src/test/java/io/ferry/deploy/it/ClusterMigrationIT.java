package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.verify.TableChecksum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A coordinator and two workers as separate JVM processes copy two tenant databases into one
 * multi-tenant target; every table is then compared with its source, tenant by tenant, and the
 * checkpoints must show every unit committed exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterMigrationIT {

  static final int ITEMS = 30_000;

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  String tenantA;
  String tenantB;
  String target;

  @BeforeAll
  void startCluster() throws Exception {
    pg = new TestPostgres();
    tenantA = pg.createDatabase("tenant_a");
    tenantB = pg.createDatabase("tenant_b");
    target = pg.createDatabase("target");
    try (Connection a = pg.connect(tenantA); Connection b = pg.connect(tenantB)) {
      Fixture.create(a, 1, ITEMS);
      Fixture.create(b, 2, ITEMS / 2);
    }
    Path logs = Files.createDirectories(Path.of("target", "it-logs", getClass().getSimpleName()));
    cluster = new ProcessCluster(Path.of(System.getProperty("ferry.jar")), logs);
    cluster.startCoordinator();
    cluster.startWorker(2);
    cluster.startWorker(2);
    api = new ApiClient(cluster.apiUrl(), null);
    ClusterWait.ready(api, 2);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  Map<String, Object> spec(String name) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("source", Map.of("engine", "postgresql", "tenants", List.of(
        tenant("a", tenantA), tenant("b", tenantB))));
    Map<String, Object> targetSpec = new LinkedHashMap<>(Map.of("engine", "postgresql", "url", pg.url(target),
        "user", pg.user(), "schema", "merged", "tenantColumn", "tenant_id"));
    spec.put("target", targetSpec);
    spec.put("tables", Map.of("include", List.of("public.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 5000));
    return spec;
  }

  Map<String, Object> tenant(String id, String database) {
    return new LinkedHashMap<>(Map.of("id", id, "url", pg.url(database), "user", pg.user()));
  }

  @Test
  void copiesEveryTableOfTwoTenantsExactlyOnce() throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec("it-copy")), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String jobId = submitted.body().path("id").asText();

    JsonNode job = ClusterWait.finished(api, jobId, state -> { });
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");

    long sourceRows = 0;
    Map<String, String> tenants = Map.of("a", tenantA, "b", tenantB);
    try (Connection targetDb = pg.connect(target)) {
      for (var tenant : tenants.entrySet()) {
        try (Connection source = pg.connect(tenant.getValue())) {
          for (String table : Fixture.TABLES) {
            List<String> columns = TableChecksum.listColumns(source, table);
            String targetTable = "merged." + table.substring(table.indexOf('.') + 1);
            TableChecksum.Result expected = TableChecksum.compute(source, table, columns, null, null);
            TableChecksum.Result actual = TableChecksum.compute(targetDb, targetTable, columns, "tenant_id", tenant.getKey());
            assertThat(actual).as("%s of tenant %s", table, tenant.getKey()).isEqualTo(expected);
            sourceRows += expected.rows();
          }
        }
      }
      assertThat(count(targetDb, "SELECT (SELECT count(*) FROM merged.items) + (SELECT count(*) FROM merged.\"OrderLines\")"
          + " + (SELECT count(*) FROM merged.empty_table) + (SELECT count(*) FROM merged.codes)"
          + " + (SELECT count(*) FROM merged.customers) + (SELECT count(*) FROM merged.orders)"))
          .as("no row beyond the sources' rows").isEqualTo(sourceRows);
      assertThat(job.path("rows").path("done").asLong()).isEqualTo(sourceRows);

      assertEveryCopyUnitCommittedOnce(targetDb, jobId, tenants);
      assertFinishedTables(targetDb);
    }
  }

  /** Every copy unit has one checkpoint, done, and per tenant table the checkpoints add up to the source. */
  void assertEveryCopyUnitCommittedOnce(Connection targetDb, String jobId, Map<String, String> tenants) throws SQLException {
    List<WorkUnit> units = new ArrayList<>();
    try (Statement st = targetDb.createStatement();
         ResultSet rs = st.executeQuery("SELECT body FROM ferry.units WHERE job_id = '" + jobId + "'")) {
      while (rs.next()) {
        units.add(Json.decode(rs.getString(1), WorkUnit.class));
      }
    }
    assertThat(units).isNotEmpty();
    Map<String, Long> checkpointRows = new HashMap<>();
    Map<String, Boolean> checkpointDone = new HashMap<>();
    try (Statement st = targetDb.createStatement();
         ResultSet rs = st.executeQuery("SELECT unit_id, rows, done FROM ferry.checkpoints WHERE job_id = '" + jobId + "'")) {
      while (rs.next()) {
        checkpointRows.put(rs.getString(1), rs.getLong(2));
        checkpointDone.put(rs.getString(1), rs.getBoolean(3));
      }
    }
    Map<String, Long> rowsByTenantTable = new HashMap<>();
    for (WorkUnit unit : units) {
      assertThat(checkpointDone.get(unit.id())).as("checkpoint of %s", unit.id()).isTrue();
      if (unit.kind() == UnitKind.COPY) {
        rowsByTenantTable.merge(unit.tenantId() + "/" + unit.sourceTable(), checkpointRows.get(unit.id()), Long::sum);
      }
    }
    assertThat(units.stream().filter(u -> u.kind() == UnitKind.COPY && u.sourceTable().equals("public.items")
        && u.tenantId().equals("a"))).as("items of tenant a split into several units").hasSizeGreaterThan(3);
    for (var tenant : tenants.entrySet()) {
      try (Connection source = pg.connect(tenant.getValue())) {
        for (String table : Fixture.TABLES) {
          String quoted = "public.\"" + table.substring(table.indexOf('.') + 1) + "\"";
          assertThat(rowsByTenantTable.get(tenant.getKey() + "/" + table)).as("checkpoint rows of %s/%s", tenant.getKey(), table)
              .isEqualTo(count(source, "SELECT count(*) FROM " + quoted));
        }
      }
    }
  }

  /** Finish put back the primary key (with the tenant column first), the secondary index and the foreign key. */
  void assertFinishedTables(Connection targetDb) throws SQLException {
    assertThat(count(targetDb, """
        SELECT count(*) FROM pg_constraint WHERE conrelid = 'merged.items'::regclass AND contype = 'p'""")).isEqualTo(1);
    assertThat(count(targetDb, """
        SELECT count(*) FROM pg_constraint WHERE conrelid = 'merged.orders'::regclass AND contype = 'f'""")).isEqualTo(1);
    assertThat(count(targetDb, """
        SELECT count(*) FROM pg_indexes WHERE schemaname = 'merged' AND tablename = 'orders'
          AND indexdef LIKE '%customer_id%' AND indexdef NOT LIKE '%UNIQUE%'""")).isGreaterThanOrEqualTo(1);
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
