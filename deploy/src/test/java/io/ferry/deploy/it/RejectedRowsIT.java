package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cli.StatusView;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rows the target rejects, through a real coordinator and three worker processes: two tenants append into
 * a target table whose CHECK constraint some source rows break, the bad rows scattered over several
 * copy units (at unit and chunk boundaries too). With {@code onRowError: reject} the job succeeds, the
 * target holds exactly the other rows, {@code ferry.rejects} exactly the bad ones (key, payload, error),
 * every range's checkpoint is done and its rows plus its rejected rows are the source's, and the job's
 * status counts the rejected rows per job and table, also after a coordinator restart. With the default
 * {@code fail} the job fails and each failed unit names the bad row's key and the database's message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RejectedRowsIT {

  static final int ROWS = 20_000;
  static final String[] COORDINATOR_ARGS = {"--chunk-rows", "1000"};
  /** Adjacent rows, both sides of a chunk boundary (5000 | 5001), the first and the last row. */
  static final Map<String, List<Long>> BAD = Map.of("a", List.of(3L, 4L, 5000L, 5001L, 12_345L, 20_000L),
      "b", List.of(1L, 9_999L, 15_000L));

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  final Map<String, String> tenants = new LinkedHashMap<>();

  @BeforeAll
  void startCluster() throws Exception {
    pg = new TestPostgres();
    for (String id : List.of("a", "b")) {
      String db = pg.createDatabase("rejects_" + id);
      try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE items (id bigint PRIMARY KEY, qty integer NOT NULL, note text)");
        st.execute("INSERT INTO items SELECT g, g % 90, 'note ' || g || ' ✓' FROM generate_series(1, " + ROWS + ") g");
        try (PreparedStatement ps = c.prepareStatement("UPDATE items SET qty = -id WHERE id = ANY (?)")) {
          ps.setArray(1, c.createArrayOf("bigint", BAD.get(id).toArray()));
          ps.executeUpdate();
        }
        st.execute("CREATE TABLE codes (code text PRIMARY KEY, v integer)");
        st.execute("INSERT INTO codes SELECT 'c' || g, g FROM generate_series(1, 500) g");
        st.execute("ANALYZE");
      }
      tenants.put(id, db);
    }
    cluster = ItCluster.start(getClass(), 3, 2, COORDINATOR_ARGS);
    api = ItCluster.ready(cluster, null, 3);
  }

  @AfterAll
  void stopCluster() throws Exception {
    ItCluster.close(cluster, pg);
  }

  /** A target whose rj.items refuses negative quantities (the BAD rows); rj.codes is created by the job. */
  String target(String name) throws SQLException {
    String db = pg.createDatabase(name);
    try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA rj");
      st.execute("CREATE TABLE rj.items (tenant_id text NOT NULL, id bigint NOT NULL, qty integer NOT NULL CHECK (qty >= 0),"
          + " note text, PRIMARY KEY (tenant_id, id))");
    }
    return db;
  }

  String spec(String name, String target, String onRowError) {
    List<Object> tenantSpecs = new ArrayList<>();
    tenants.forEach((id, db) -> tenantSpecs.add(Map.of("id", id, "url", pg.url(db), "user", pg.user())));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("source", Map.of("engine", "postgresql", "tenants", tenantSpecs));
    spec.put("target", Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user(), "schema", "rj",
        "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", List.of("public.items", "public.codes")));
    spec.put("mode", "append");
    spec.put("unit", Map.of("rows", 2500));
    if (onRowError != null) {
      spec.put("onRowError", onRowError);
    }
    return Json.encode(spec);
  }

  JsonNode run(String spec) throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", spec, "application/json");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    return ClusterWait.finished(api, submitted.body().path("id").asText(), state -> { });
  }

  @Test
  void rejectRecordsExactlyTheBadRowsCopiesTheRestAndCountsThemAlsoAfterACoordinatorRestart() throws Exception {
    String target = target("rejects_reject");
    JsonNode job = run(spec("rejects-reject", target, "reject"));
    String jobId = job.path("id").asText();

    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
    try (Connection t = pg.connect(target)) {
      Map<String, Set<Long>> recorded = new HashMap<>();
      try (PreparedStatement ps = t.prepareStatement("SELECT tenant_id, row_key, table_name, columns, payload, error, sql_state,"
          + " payload_truncated FROM ferry.rejects WHERE job_id = ?")) {
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            List<String> key = Json.mapper().readerForListOf(String.class).readValue(rs.getString(2));
            long id = Long.parseLong(key.get(0));
            assertThat(recorded.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(id)).as("recorded once").isTrue();
            assertThat(rs.getString(3)).isEqualTo("rj.items");
            assertThat(rs.getString(4)).isEqualTo("[\"tenant_id\",\"id\",\"qty\",\"note\"]");
            assertThat(rs.getString(5)).isEqualTo(rs.getString(1) + "\t" + id + "\t" + (-id) + "\tnote " + id + " ✓");
            assertThat(rs.getString(6)).contains("violates check constraint \"items_qty_check\"");
            assertThat(rs.getString(7)).isEqualTo("23514");
            assertThat(rs.getBoolean(8)).isFalse();
          }
        }
      }
      assertThat(recorded).isEqualTo(Map.of("a", new TreeSet<>(BAD.get("a")), "b", new TreeSet<>(BAD.get("b"))));
      for (String tenant : tenants.keySet()) {
        assertThat(digest(t, "rj.items WHERE tenant_id = '" + tenant + "'", List.of()))
            .as("tenant %s: the target is the source without its rejected rows", tenant)
            .isEqualTo(sourceDigest(tenant, BAD.get(tenant)));
      }
    }
    new TargetChecks(pg, tenants, target, "rj", "tenant_id").assertTargetEqualsSources(List.of("public.codes"));
    assertCheckpointsAddUp(target, jobId);

    long bad = BAD.values().stream().mapToLong(List::size).sum();
    assertStatusCounts(job, bad);
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("ferry_rows_rejected_total{job=\"" + jobId + "\",table=\"rj.items\"} " + bad + ".0");
    assertThat(StatusView.render(job)).contains("rejected " + bad + " rows", "(+" + bad + " rejected)");

    cluster.kill(cluster.coordinator());
    cluster.startCoordinator(COORDINATOR_ARGS);
    Poll.untilTrue("the restarted coordinator is ready", Duration.ofMinutes(3), () -> api.get("/ready").status() == 200);
    assertStatusCounts(api.get("/api/v1/jobs/" + jobId).body(), bad);
  }

  @Test
  void failEndsTheJobNamingTheKeyAndTheDatabaseMessage() throws Exception {
    String target = target("rejects_fail");
    JsonNode job = run(spec("rejects-fail", target, null));
    String jobId = job.path("id").asText();

    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("failed");
    assertThat(job.path("rows").path("rejected").asLong()).isZero();
    JsonNode failed = api.get("/api/v1/jobs/" + jobId + "/units?state=failed").body().path("units");
    assertThat(failed.isEmpty()).as(job.toString()).isFalse();
    for (JsonNode unit : failed) {
      String error = unit.path("error").asText();
      assertThat(error).contains("tenant " + unit.path("tenantId").asText(), "table rj.items",
          "the target rejected the row with key (id)=(", "(onRowError: fail; SQLSTATE 23514)",
          "violates check constraint \"items_qty_check\"");
      long key = Long.parseLong(error.replaceAll("(?s).*the target rejected the row with key \\(id\\)=\\((\\d+)\\).*", "$1"));
      assertThat(BAD.get(unit.path("tenantId").asText())).as(error).contains(key);
      assertThat(unit.path("attempts").asInt()).as("a rejected row is not retried").isEqualTo(1);
    }
    // A failed job hands nothing out; units already running end on their own (or on their own bad rows).
    Poll.untilTrue("no unit of the failed job running", Duration.ofSeconds(30),
        () -> api.get("/api/v1/jobs/" + jobId + "/units?state=leased").body().path("units").isEmpty());
    try (Connection t = pg.connect(target)) {
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.rejects")).isZero();
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM rj.items WHERE qty < 0")).isZero();
      // Whatever committed before a failure did so with its checkpoint.
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM rj.items"))
          .isEqualTo(TargetChecks.count(t, "SELECT coalesce(sum(c.rows), 0) FROM ferry.checkpoints c JOIN ferry.units u"
              + " USING (job_id, unit_id) WHERE job_id = '" + jobId + "' AND u.body::jsonb ->> 'table' = 'rj.items'"));
    }
  }

  void assertStatusCounts(JsonNode job, long bad) {
    assertThat(job.path("rows").path("rejected").asLong()).as(job.toString()).isEqualTo(bad);
    assertThat(job.path("rows").path("done").asLong()).isEqualTo(2L * (ROWS + 500) - bad);
    Map<String, Long> byTable = new HashMap<>();
    job.path("tables").forEach(t -> byTable.put(t.path("table").asText(), t.path("rowsRejected").asLong()));
    assertThat(byTable).isEqualTo(Map.of("rj.items", bad, "rj.codes", 0L));
  }

  /** Every unit's checkpoint is done (verify units write none); per tenant, the items units' rows plus rejected rows are the source's rows. */
  void assertCheckpointsAddUp(String target, String jobId) throws Exception {
    Map<String, long[]> byTenant = new HashMap<>();
    long rejectRecords;
    try (Connection t = pg.connect(target)) {
      try (PreparedStatement ps = t.prepareStatement("SELECT u.body, c.rows, c.rejected, c.done FROM ferry.units u"
          + " LEFT JOIN ferry.checkpoints c USING (job_id, unit_id) WHERE job_id = ?")) {
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            WorkUnit unit = Json.decode(rs.getString(1), WorkUnit.class);
            if (unit.kind() == UnitKind.VERIFY) {
              assertThat(unit.state()).as(unit.id()).isEqualTo(UnitState.DONE);
              continue;
            }
            assertThat(rs.getBoolean(4)).as("checkpoint of %s", unit.id()).isTrue();
            if (unit.kind() == UnitKind.COPY && unit.slice().table().equals("rj.items")) {
              long[] sums = byTenant.computeIfAbsent(unit.slice().tenantId(), k -> new long[2]);
              sums[0] += rs.getLong(2);
              sums[1] += rs.getLong(3);
              assertThat(unit.progress().rejected()).as("the unit record of %s", unit.id()).isEqualTo(rs.getLong(3));
            }
          }
        }
      }
      rejectRecords = TargetChecks.count(t, "SELECT count(*) FROM ferry.rejects WHERE job_id = '" + jobId + "'");
    }
    assertThat(byTenant.keySet()).containsExactlyInAnyOrderElementsOf(tenants.keySet());
    long rejected = 0;
    for (var e : byTenant.entrySet()) {
      assertThat(e.getValue()[0] + e.getValue()[1]).as("rows + rejected of tenant %s", e.getKey()).isEqualTo(ROWS);
      assertThat(e.getValue()[1]).isEqualTo(BAD.get(e.getKey()).size());
      rejected += e.getValue()[1];
    }
    assertThat(rejectRecords).as("each rejected row counted by exactly one record").isEqualTo(rejected);
  }

  String sourceDigest(String tenant, List<Long> without) throws SQLException {
    try (Connection s = pg.connect(tenants.get(tenant))) {
      return digest(s, "items", without);
    }
  }

  /** Row count and an ordered md5 over every column: equal digests mean equal rows. */
  static String digest(Connection c, String from, List<Long> without) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) || ':' || coalesce(md5(string_agg(id || '|' || qty || '|'"
        + " || coalesce(note, '~'), ',' ORDER BY id)), '') FROM " + from + (from.contains("WHERE") ? " AND" : " WHERE")
        + " id <> ALL (?)")) {
      ps.setArray(1, c.createArrayOf("bigint", without.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
