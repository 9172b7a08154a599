package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.verify.TableChecksum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target modes through a real coordinator and two worker processes, with two tenants: upsert run twice
 * leaves the same target; a second append of the same rows fails the job cleanly, naming the duplicate key,
 * and leaves the foreign key its prepare dropped on record until it is cancelled, which restores it;
 * preserve_schema against a target that drifted from the source is refused before anything moves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModesIT {

  static final int ITEMS = 2_000;

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  Map<String, String> tenants = new LinkedHashMap<>();
  String target;

  @BeforeAll
  void startCluster() throws Exception {
    pg = new TestPostgres();
    tenants.put("a", pg.createDatabase("modes_a"));
    tenants.put("b", pg.createDatabase("modes_b"));
    target = pg.createDatabase("modes_target");
    int seed = 1;
    for (String database : tenants.values()) {
      try (Connection c = pg.connect(database)) {
        Fixture.create(c, seed++, ITEMS);
      }
    }
    cluster = ItCluster.start(getClass(), 2, 2);
    api = ItCluster.ready(cluster, null, 2);
  }

  @AfterAll
  void stopCluster() throws Exception {
    ItCluster.close(cluster, pg);
  }

  String spec(String name, String mode, String schema, List<String> include) {
    return spec(name, mode, schema, include, target);
  }

  String spec(String name, String mode, String schema, List<String> include, String target) {
    List<Object> tenantSpecs = new ArrayList<>();
    tenants.forEach((id, database) -> tenantSpecs.add(Map.of("id", id, "url", pg.url(database), "user", pg.user())));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("source", Map.of("engine", "postgresql", "tenants", tenantSpecs));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", schema,
        "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", include));
    spec.put("mode", mode);
    spec.put("unit", Map.of("rows", 700));
    return Json.encode(spec);
  }

  JsonNode run(String spec) throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", spec, "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    return ClusterWait.finished(api, submitted.body().path("id").asText(), state -> { });
  }

  TargetChecks checks(String schema) {
    return new TargetChecks(pg, tenants, target, schema, "tenant_id");
  }

  @Test
  void upsertRunTwiceLeavesTheSameTarget() throws Exception {
    ApiClient.Response plan = api.post("/api/v1/jobs?dryRun=true", spec("upsert-plan", "upsert", "up", List.of("public.*")),
        "application/json");
    assertThat(plan.status()).as(plan.text()).isEqualTo(200);
    assertThat(plan.body().path("estimate").path("workerSlots").asInt()).as("2 workers × 2 units").isEqualTo(4);
    assertThat(plan.body().has("estimatedDurationSeconds")).isTrue();
    assertThat(plan.body().path("tables")).allSatisfy(t -> assertThat(t.path("copyFormat").asText()).isEqualTo("binary"));

    JsonNode first = run(spec("upsert-1", "upsert", "up", List.of("public.*")));
    assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("succeeded");
    long rows = checks("up").assertTargetEqualsSources(Fixture.TABLES);
    Map<String, TableChecksum.Result> before = checksums("up");

    JsonNode second = run(spec("upsert-2", "upsert", "up", List.of("public.*")));
    assertThat(second.path("state").asText()).as(second.toString()).isEqualTo("succeeded");
    assertThat(checks("up").assertTargetEqualsSources(Fixture.TABLES)).isEqualTo(rows);
    assertThat(checksums("up")).isEqualTo(before);
    checks("up").assertEveryUnitCommittedOnce(second.path("id").asText(), Fixture.TABLES);
  }

  @Test
  void aSecondAppendOfTheSameRowsFailsTheJobNamingTheDuplicateKey() throws Exception {
    List<String> tables = List.of("public.items", "public.codes");
    JsonNode first = run(spec("append-1", "append", "ap", tables));
    assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("succeeded");
    checks("ap").assertTargetEqualsSources(tables);

    JsonNode second = run(spec("append-2", "append", "ap", tables));
    assertThat(second.path("state").asText()).isEqualTo("failed");
    assertThat(second.path("error").asText()).contains("already exists");
    JsonNode failed = second.path("failedUnits");
    assertThat(failed.isEmpty()).as(second.toString()).isFalse();
    for (JsonNode unit : failed) {
      assertThat(unit.path("error").asText()).contains("already exists")
          .containsPattern("Key \\(tenant_id, (id|code)\\)=\\([ab], [^)]+\\) already exists");
    }
    ApiClient.Response units = api.get("/api/v1/jobs/" + second.path("id").asText() + "/units?state=failed");
    for (JsonNode unit : units.body().path("units")) {
      assertThat(unit.path("attempts").asInt()).as("a duplicate key is not retried").isEqualTo(1);
    }
    checks("ap").assertTargetEqualsSources(tables);
  }

  @Test
  void aFailedAppendRecordsTheForeignKeysItDroppedAndCancellingItRestoresThem() throws Exception {
    List<String> tables = List.of("public.customers", "public.orders");
    JsonNode first = run(spec("fk-1", "append", "fk", tables));
    assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("succeeded");
    long foreignKeys = foreignKeys("fk");
    assertThat(foreignKeys).isPositive();

    JsonNode second = run(spec("fk-2", "append", "fk", tables));
    assertThat(second.path("state").asText()).as(second.toString()).isEqualTo("failed");
    String job = second.path("id").asText();
    List<String> recorded = new ArrayList<>();
    try (Connection t = pg.connect(target); java.sql.PreparedStatement ps = t.prepareStatement("SELECT table_schema || '.'"
        + " || table_name || ' ' || constraint_name || ': ' || definition FROM ferry.dropped_constraints WHERE job_id = ?")) {
      ps.setString(1, job);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          recorded.add(rs.getString(1));
        }
      }
    }
    assertThat(recorded).as("what prepare dropped is on record, with its definition").singleElement().asString()
        .startsWith("fk.orders ").contains("FOREIGN KEY (tenant_id, customer_id) REFERENCES fk.customers(tenant_id, id)");
    assertThat(foreignKeys("fk") + recorded.size()).isEqualTo(foreignKeys);

    ApiClient.Response cancelled = new JobProbe(api).control(job, "cancel");
    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    Poll.untilTrue("the restore of " + job, java.time.Duration.ofMinutes(1), () -> {
      JsonNode units = api.get("/api/v1/jobs/" + job + "/units?kind=restore").body().path("units");
      return units.size() == 1 && units.get(0).path("state").asText().equals("done");
    });
    assertThat(foreignKeys("fk")).as("the cancelled job put its dropped foreign key back").isEqualTo(foreignKeys);
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.dropped_constraints WHERE job_id = '" + job + "'")).isZero();
    }
  }

  long foreignKeys(String schema) throws Exception {
    try (Connection t = pg.connect(target)) {
      return TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = '" + schema
          + "'::regnamespace");
    }
  }

  @Test
  void preserveSchemaAgainstADriftedTargetIsRefusedListingTheDriftAndMovesNothing() throws Exception {
    try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
      st.execute("CREATE SCHEMA kept");
      st.execute("CREATE TABLE kept.items (tenant_id text NOT NULL, id integer PRIMARY KEY, name text, payload jsonb,"
          + " blob bytea, amount numeric(20,6), happened_at timestamp, tags int[], flag boolean)");
    }
    ApiClient.Response response = api.post("/api/v1/jobs", spec("preserve", "preserve_schema", "kept",
        List.of("public.items", "public.codes")), "application/json");

    assertThat(response.status()).as(response.text()).isEqualTo(400);
    assertThat(response.body().path("error").asText()).isEqualTo("preflight failed");
    List<String> details = new ArrayList<>();
    response.body().path("details").forEach(d -> details.add(d.asText()));
    assertThat(details).contains(
        "target column kept.items.id is integer, the source column is bigint: the types must match",
        "target column kept.items.happened_at is timestamp without time zone, the source column is timestamp with time zone:"
            + " the types must match",
        "target table kept.codes does not exist; mode preserve_schema only writes into existing tables: create it, or use"
            + " mode create or append, which create missing tables");
    assertThat(response.text()).doesNotContain("Exception", "\tat ");
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM kept.items")).isZero();
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_tables WHERE schemaname = 'kept'")).isEqualTo(1);
    }
    assertThat(api.get("/api/v1/jobs").text()).doesNotContain("\"preserve-");
  }

  @Test
  void aSchemaScriptAppliedByHandIsFilledByAPreserveSchemaJobAndRecordsItsChecksum(@TempDir Path dir) throws Exception {
    String scripted = pg.createDatabase("modes_scripted");
    // The script's foreign key from orders to customers is dropped for the copy (tables copy in parallel)
    // and restored by the job's last finish.
    List<String> tables = Fixture.TABLES;
    Path spec = dir.resolve("preserve.json");
    Files.writeString(spec, spec("scripted", "preserve_schema", "sc", tables, scripted));
    Path script = dir.resolve("schema.sql");

    CliRun written = CliRun.of("schema", spec.toString(), "--out", script.toString(), "--coordinator", cluster.apiUrl());
    assertThat(written.exitCode()).as(written.output()).isZero();
    String sql = Files.readString(script);
    assertThat(sql).contains("-- Ferry schema script: the target DDL of job scripted", "planned as mode create (the spec says"
        + " preserve_schema)", "-- table sc.customers (tenants a, b)", "CREATE TABLE \"sc\".\"customers\"", "UNIQUE");
    Matcher end = Pattern.compile("-- ferry:body-end sha256=([0-9a-f]{64})").matcher(sql);
    assertThat(end.find()).as(sql).isTrue();
    String checksum = end.group(1);
    assertThat(written.output()).contains("checksum " + checksum);

    CliRun again = CliRun.of("schema", spec.toString(), "--out", "-", "--coordinator", cluster.apiUrl());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).as("the same plan has the same checksum").contains("sha256=" + checksum);

    try (Connection t = pg.connect(scripted); Statement st = t.createStatement()) {
      st.execute(sql);
    }
    JsonNode job = run(spec("scripted", "preserve_schema", "sc", tables, scripted));
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
    new TargetChecks(pg, tenants, scripted, "sc", "tenant_id").assertTargetEqualsSources(tables);
    try (Connection t = pg.connect(scripted)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.schema_scripts WHERE checksum = '" + checksum
          + "' AND job = 'scripted' AND applied_at <= now()")).isEqualTo(1);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'u'"
          + " AND connamespace = 'sc'::regnamespace")).as("the script's unique constraint").isEqualTo(1);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'sc'::regnamespace"
          + " AND pg_get_constraintdef(oid) LIKE 'FOREIGN KEY (tenant_id, customer_id) REFERENCES sc.customers(tenant_id, id)%'"))
          .as("the key between two tables of the job, dropped for the copy, is back").isEqualTo(1);
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.dropped_constraints")).isZero();
    }

    CliRun refused = CliRun.of("schema", spec.toString(), "--out", dir.resolve("again.sql").toString(), "--coordinator",
        cluster.apiUrl());
    assertThat(refused.exitCode()).as("the tables exist now: mode create refuses the plan").isEqualTo(1);
    assertThat(refused.output()).contains("target tables exist");
    assertThat(Files.exists(dir.resolve("again.sql"))).isFalse();
  }

  @Test
  void verificationFindsEveryChangeMadeToTheTargetNamingTenantKeyAndColumn() throws Exception {
    List<String> tables = List.of("public.OrderLines", "public.codes", "public.customers", "public.orders");
    JsonNode copied = run(spec("verify-copy", "create", "vf", tables));
    assertThat(copied.path("state").asText()).as(copied.toString()).isEqualTo("succeeded");
    String jobId = copied.path("id").asText();
    JsonNode clean = api.get("/api/v1/jobs/" + jobId + "/report").body();
    assertThat(clean.path("verdict").asText()).as(clean.toString()).isEqualTo("clean");
    assertThat(clean.path("totals").path("sourceRows").asLong()).isEqualTo(2 * (3_000 + 500 + 2_000 + 8_000));

    try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
      st.execute("DELETE FROM vf.\"OrderLines\" WHERE tenant_id = 'a' AND \"Id\" = 1500");
      st.execute("INSERT INTO vf.\"OrderLines\" (tenant_id, \"Id\", \"Qty\", \"Note\") VALUES ('a', 3001, 1, 'extra')");
      st.execute("UPDATE vf.\"OrderLines\" SET \"Note\" = 'changed' WHERE tenant_id = 'b' AND \"Id\" = 42");
      st.execute("UPDATE vf.codes SET v = -1 WHERE tenant_id = 'b' AND code = 'c7'");
      // Past the foreign key (as a superuser can): tenant a's customer 7 goes, its 4 orders stay; b's customer 7 stays.
      st.execute("SET session_replication_role = replica");
      st.execute("DELETE FROM vf.customers WHERE tenant_id = 'a' AND id = 7");
    }
    ApiClient.Response again = api.post("/api/v1/jobs/" + jobId + "/verify", "", "application/json");
    assertThat(again.status()).as(again.text()).isBetween(200, 202);
    JsonNode verified = ClusterWait.finished(api, jobId, state -> { });
    assertThat(verified.path("state").asText()).as(verified.toString()).isEqualTo("failed");
    assertThat(verified.path("error").asText())
        .contains("verification found 5 differing keys in 4 tables and 4 orphaned rows of 1 foreign key");
    JsonNode report = api.get("/api/v1/jobs/" + jobId + "/report").body();
    assertThat(report.path("verdict").asText()).isEqualTo("differences");
    assertThat(differences(report)).containsExactlyInAnyOrder(
        "a vf.OrderLines missing [1500] []", "a vf.OrderLines extra [3001] []",
        "b vf.OrderLines different [42] [Note]", "b vf.codes different [c7] [v]", "a vf.customers missing [7] []");
    assertThat(orphans(report)).containsExactly(
        "a vf.orders orders_customer_id_fkey -> vf.customers: 4 [[6], [2006], [4006], [6006]]");

    JsonNode verifyJob = run(spec("verify-only", "verify", "vf", tables));
    assertThat(verifyJob.path("state").asText()).as(verifyJob.toString()).isEqualTo("failed");
    JsonNode own = api.get("/api/v1/jobs/" + verifyJob.path("id").asText() + "/report").body();
    assertThat(differences(own)).as("a job of mode verify finds the same").isEqualTo(differences(report));
    assertThat(orphans(own)).isEqualTo(orphans(report));
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM vf.\"OrderLines\"")).as("verify changes nothing")
          .isEqualTo(2 * 3_000);
    }

    // Repair re-copies exactly the listed keys of each differing range, then compares those ranges again.
    ApiClient.Response repair = api.post("/api/v1/jobs/" + jobId + "/repair", "", "application/json");
    assertThat(repair.status()).as(repair.text()).isEqualTo(202);
    assertThat(repair.body().path("repairs")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.path("recopies").asText()).isEqualTo("keys"));
    JsonNode repaired = ClusterWait.finished(api, jobId, state -> { });
    assertThat(repaired.path("state").asText()).as(repaired.toString()).isEqualTo("succeeded");
    JsonNode after = api.get("/api/v1/jobs/" + jobId + "/report").body();
    assertThat(after.path("verdict").asText()).as(after.toString()).isEqualTo("clean");
    assertThat(differences(after)).isEmpty();
    checks("vf").assertTargetEqualsSources(tables);
  }

  /** Each listed difference of a report as "tenant table kind [key] [columns]". */
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

  /** Each orphaned foreign key of a report as "tenant table key -> referenced: rows [listed keys]". */
  static List<String> orphans(JsonNode report) {
    List<String> out = new ArrayList<>();
    report.path("tables").forEach(t -> t.path("orphans").forEach(o -> {
      List<List<String>> keys = new ArrayList<>();
      o.path("keys").forEach(k -> {
        List<String> key = new ArrayList<>();
        k.forEach(v -> key.add(v.asText()));
        keys.add(key);
      });
      out.add(t.path("tenant").asText() + " " + t.path("table").asText() + " " + o.path("foreignKey").asText() + " -> "
          + o.path("referencedTable").asText() + ": " + o.path("rows").asLong() + " " + keys);
    }));
    return out;
  }

  Map<String, TableChecksum.Result> checksums(String schema) throws Exception {
    Map<String, TableChecksum.Result> out = new LinkedHashMap<>();
    try (Connection t = pg.connect(target)) {
      for (String table : Fixture.TABLES) {
        String name = schema + "." + table.substring(table.indexOf('.') + 1);
        out.put(name, TableChecksum.compute(t, name, TableChecksum.listColumns(t, name), null, null));
      }
    }
    return out;
  }
}
