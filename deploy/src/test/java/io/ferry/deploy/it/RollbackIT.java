package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cli.StatusView;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
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
 * {@code POST /api/v1/jobs/{id}/rollback} on a real cluster (a coordinator and two workers, separate
 * JVMs): a two-tenant job runs to success; rolling back a tenant, then one tenant's table, then one
 * copy unit deletes exactly those target rows (the others and their checkpoints untouched) and resets
 * their checkpoints; each resume copies them again, and the job ends with the target equal to the
 * sources, its foreign keys back, and every range's checkpoint counting its rows once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollbackIT {

  static final Duration LIMIT = Duration.ofMinutes(2);
  static final String SCHEMA = "merged";

  TestPostgres pg;
  final Map<String, String> tenants = new LinkedHashMap<>();
  String target;
  ProcessCluster cluster;
  ApiClient api;
  JobProbe jobs;
  long foreignKeys;

  @BeforeAll
  void start() throws Exception {
    // Its JVMs start while the tenants fill.
    cluster = ItCluster.start(getClass(), 2, 2, "--chunk-rows", "2500");
    pg = new TestPostgres();
    for (String id : List.of("a", "b")) {
      String db = pg.createDatabase("rollback_" + id);
      try (Connection c = pg.connect(db)) {
        Fixture.create(c, tenants.size() + 1, 20_000);
      }
      tenants.put(id, db);
    }
    target = pg.createDatabase("rollback_target");
    api = ItCluster.ready(cluster, null, 2);
    jobs = new JobProbe(api);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
  }

  @Test
  void rollsBackATenantATableAndAUnitExactlyAndCopiesThemAgainOnResume() throws Exception {
    String job = submit();
    ApiClient.Response running = rollback(job, "{\"tenant\": \"a\"}");
    assertThat(running.status()).as(running.text()).isEqualTo(409);
    assertThat(running.body().path("details").get(0).asText()).contains("is running").contains("pause it first");
    awaitSucceeded(job);
    foreignKeys = foreignKeys();
    assertThat(foreignKeys).isPositive();
    assertRefusals(job);

    // 1. A whole tenant: its rows go from every table (orders before the customers they reference).
    Map<String, Long> before = checkpoints(job);
    JsonNode accepted = accepted(rollback(job, "{\"tenant\": \"a\"}"));
    assertThat(accepted.path("job").path("state").asText()).isEqualTo("paused");
    assertThat(accepted.path("copyUnits")).allSatisfy(u -> assertThat(u.asText()).startsWith("copy:a:"));
    awaitRollbackDone(job, accepted);
    assertThat(jobs.job(job).path("state").asText()).as("a rolled-back job waits for resume").isEqualTo("paused");
    for (String table : Fixture.TABLES) {
      assertThat(targetRows("a", table)).as("tenant a's rows of %s", table).isZero();
      assertThat(targetRows("b", table)).as("tenant b's rows of %s", table).isEqualTo(sourceRows("b", table));
    }
    assertCheckpoints(job, before, "copy:a:");
    assertThat(jobs.job(job).path("rows").path("done").asLong()).as("rows.done drops by tenant a's rows")
        .isEqualTo(sourceRows("b"));
    resumeAndAssertExactlyOnce(job);

    // 2. One table of one tenant.
    before = checkpoints(job);
    accepted = accepted(rollback(job, "{\"tenant\": \"b\", \"table\": \"merged.items\"}"));
    awaitRollbackDone(job, accepted);
    assertThat(targetRows("b", "public.items")).isZero();
    assertThat(targetRows("b", "public.orders")).isEqualTo(sourceRows("b", "public.orders"));
    assertThat(targetRows("a", "public.items")).isEqualTo(sourceRows("a", "public.items"));
    assertCheckpoints(job, before, "copy:b:merged.items:");
    resumeAndAssertExactlyOnce(job);

    // 3. One copy unit: exactly the rows its checkpoint counted.
    before = checkpoints(job);
    String unit = "copy:a:merged.items:0001";
    assertThat(before.get(unit)).isPositive();
    accepted = accepted(rollback(job, "{\"unit\": \"" + unit + "\"}"));
    assertThat(accepted.path("rollback").path("range").isObject()).as("rolled back by its range").isTrue();
    awaitRollbackDone(job, accepted);
    assertThat(targetRows("a", "public.items")).isEqualTo(sourceRows("a", "public.items") - before.get(unit));
    assertCheckpoints(job, before, unit);
    resumeAndAssertExactlyOnce(job);
  }

  void assertRefusals(String job) throws Exception {
    ApiClient.Response unknownJob = rollback("nope-000000", "{\"tenant\": \"a\"}");
    assertThat(unknownJob.status()).isEqualTo(404);
    assertThat(unknownJob.body().path("error").asText()).isEqualTo("job not found");

    ApiClient.Response body = rollback(job, "{\"tenants\": [\"a\"], \"unit\": 3}");
    assertThat(body.status()).as(body.text()).isEqualTo(400);
    assertThat(body.body().path("details")).hasSize(2);

    ApiClient.Response names = rollback(job, "{\"tenant\": \"zz\", \"table\": \"merged.nope\"}");
    assertThat(names.status()).as(names.text()).isEqualTo(400);
    assertThat(names.body().path("error").asText()).isEqualTo("invalid rollback");
    assertThat(names.body().path("details")).hasSize(2);
    assertThat(names.body().path("details").get(0).asText()).contains("tenant 'zz'").contains("a, b");

    ApiClient.Response onlyUnit = rollback(job, "{\"unit\": \"copy:a:merged.codes:0000\"}");
    assertThat(onlyUnit.status()).as("codes has one unit per tenant: its whole table, exact").isEqualTo(202);
    awaitRollbackDone(job, onlyUnit.body());
    resumeAndAssertExactlyOnce(job);
  }

  // ---------------------------------------------------------------------------------------------------

  String submit() throws Exception {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "rollback");
    List<Map<String, Object>> tenantSpecs = new ArrayList<>();
    tenants.forEach((id, db) -> tenantSpecs.add(Map.of("id", id, "url", pg.url(db), "user", pg.user())));
    spec.put("source", Map.of("engine", "postgresql", "tenants", tenantSpecs));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", SCHEMA,
        "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", List.of("public.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 5_000));
    spec.put("verify", "none");
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    return submitted.body().path("id").asText();
  }

  ApiClient.Response rollback(String job, String body) throws Exception {
    return api.post("/api/v1/jobs/" + job + "/rollback", body, "application/json");
  }

  static JsonNode accepted(ApiClient.Response response) {
    assertThat(response.status()).as(response.text()).isEqualTo(202);
    assertThat(response.body().path("copyUnits")).isNotEmpty();
    return response.body();
  }

  void awaitRollbackDone(String job, JsonNode accepted) throws Exception {
    String id = accepted.path("rollback").path("id").asText();
    Poll.untilTrue(id + " of " + job + " done", LIMIT, () -> {
      for (JsonNode u : api.get("/api/v1/jobs/" + job + "/units?kind=rollback").body().path("units")) {
        if (u.path("id").asText().equals(id)) {
          assertThat(u.path("state").asText()).as(u.toString()).isNotEqualTo("failed");
          return u.path("state").asText().equals("done");
        }
      }
      return false;
    });
  }

  void awaitSucceeded(String job) throws Exception {
    JsonNode finished = Poll.until(job + " ends", LIMIT, () -> {
      JsonNode j = jobs.job(job);
      return StatusView.TERMINAL_STATES.contains(j.path("state").asText()) ? j : null;
    });
    assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("succeeded");
  }

  void resumeAndAssertExactlyOnce(String job) throws Exception {
    ApiClient.Response resumed = jobs.control(job, "resume");
    assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
    awaitSucceeded(job);
    TargetChecks checks = new TargetChecks(pg, tenants, target, SCHEMA, "tenant_id");
    long sourceRows = checks.assertTargetEqualsSources(Fixture.TABLES);
    checks.assertEveryUnitCommittedOnce(job, Fixture.TABLES);
    assertThat(jobs.job(job).path("rows").path("done").asLong()).isEqualTo(sourceRows);
    assertThat(foreignKeys()).as("the foreign keys the rollback dropped are back").isEqualTo(foreignKeys);
  }

  long foreignKeys() throws Exception {
    try (Connection t = pg.connect(target)) {
      return TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = '" + SCHEMA
          + "'::regnamespace");
    }
  }

  /** The rolled-back units' checkpoints are reset; every other checkpoint is as it was. */
  void assertCheckpoints(String job, Map<String, Long> before, String rolledBack) throws Exception {
    Map<String, Long> after = checkpoints(job);
    int reset = 0;
    for (var e : before.entrySet()) {
      if (e.getKey().startsWith(rolledBack)) {
        assertThat(after.get(e.getKey())).as("checkpoint of %s reset", e.getKey()).isEqualTo(-1L);
        reset++;
      } else {
        assertThat(after.get(e.getKey())).as("checkpoint of %s untouched", e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(reset).isPositive();
  }

  /** Copy checkpoints: rows when done, -1 when reset (nothing copied, not done). */
  Map<String, Long> checkpoints(String job) throws Exception {
    Map<String, Long> rows = new HashMap<>();
    try (Connection t = pg.connect(target); PreparedStatement ps = t.prepareStatement(
        "SELECT unit_id, rows, done, last_key IS NULL AND chunks = 0 AND bytes = 0 FROM ferry.checkpoints"
            + " WHERE job_id = ? AND unit_id LIKE 'copy:%'")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean reset = !rs.getBoolean(3) && rs.getLong(2) == 0 && rs.getBoolean(4);
          rows.put(rs.getString(1), reset ? -1L : rs.getBoolean(3) ? rs.getLong(2) : -2L);
        }
      }
    }
    return rows;
  }

  long targetRows(String tenant, String sourceTable) throws Exception {
    try (Connection t = pg.connect(target)) {
      return TargetChecks.count(t, "SELECT count(*) FROM " + SCHEMA + "." + TargetChecks.quoted(sourceTable).substring(
          TargetChecks.quoted(sourceTable).indexOf('.') + 1) + " WHERE tenant_id = '" + tenant + "'");
    }
  }

  long sourceRows(String tenant, String table) throws Exception {
    try (Connection s = pg.connect(tenants.get(tenant))) {
      return TargetChecks.count(s, "SELECT count(*) FROM " + TargetChecks.quoted(table));
    }
  }

  long sourceRows(String tenant) throws Exception {
    long sum = 0;
    for (String table : Fixture.TABLES) {
      sum += sourceRows(tenant, table);
    }
    return sum;
  }
}
