package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bad job specs against a real cluster: each gets a 400 naming every problem, and no password comes back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpecErrorsIT {

  static final String SECRET = "Sup3r-Secret-Pa55";

  TestPostgres pg;
  ProcessCluster cluster;
  ApiClient api;
  String source;
  String target;

  @BeforeAll
  void start() throws Exception {
    pg = new TestPostgres();
    source = pg.createDatabase("source");
    target = pg.createDatabase("target");
    try (Connection c = pg.connect(source)) {
      Fixture.create(c, 1, 1000);
    }
    cluster = ItCluster.start(getClass(), 1, 1);
    api = ItCluster.ready(cluster, null, 1);
  }

  @AfterAll
  void stop() throws Exception {
    ItCluster.close(cluster, pg);
  }

  Map<String, Object> valid() {
    Map<String, Object> tenant = new LinkedHashMap<>(Map.of("id", "t1", "url", pg.url(source), "user", pg.user()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "errors");
    spec.put("source", new LinkedHashMap<>(Map.of("engine", "postgresql", "tenants", new ArrayList<>(List.of(tenant)))));
    spec.put("target", new LinkedHashMap<>(Map.of("engine", "postgresql", "url", pg.url(target), "user", pg.user())));
    spec.put("tables", new LinkedHashMap<>(Map.of("include", List.of("public.*"))));
    spec.put("mode", "drop_recreate");
    return spec;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> child(Map<String, Object> map, String key) {
    return (Map<String, Object>) map.get(key);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> firstTenant(Map<String, Object> spec) {
    return ((List<Map<String, Object>>) child(spec, "source").get("tenants")).get(0);
  }

  JsonNode rejected(Object spec) throws Exception {
    ApiClient.Response response = api.post("/api/v1/jobs", spec instanceof String s ? s : Json.encode(spec), "application/json");
    assertThat(response.status()).as(response.text()).isEqualTo(400);
    assertThat(response.body().path("error").asText()).isNotBlank();
    assertThat(response.text()).doesNotContain(SECRET).doesNotContain("Exception").doesNotContain("\tat ");
    return response.body();
  }

  static List<String> details(JsonNode body) {
    List<String> details = new ArrayList<>();
    body.path("details").forEach(d -> details.add(d.asText()));
    return details;
  }

  @Test
  void listsEveryUnknownFieldAtOnce() throws Exception {
    Map<String, Object> spec = valid();
    spec.put("colour", "blue");
    firstTenant(spec).put("pasword", SECRET);
    List<String> details = details(rejected(spec));
    assertThat(details).anyMatch(d -> d.contains("colour") && d.contains("unknown field"));
    assertThat(details).anyMatch(d -> d.contains("source.tenants[0].pasword") && d.contains("unknown field"));
  }

  @Test
  void listsEveryMissingField() throws Exception {
    Map<String, Object> spec = valid();
    spec.remove("name");
    spec.remove("mode");
    child(spec, "target").remove("url");
    List<String> details = details(rejected(spec));
    assertThat(details).anyMatch(d -> d.contains("name"));
    assertThat(details).anyMatch(d -> d.contains("mode") && d.contains("drop_recreate"));
    assertThat(details).anyMatch(d -> d.contains("target.url"));
  }

  @Test
  void rejectsMalformedJson() throws Exception {
    assertThat(details(rejected("{\"name\": "))).anyMatch(d -> d.contains("syntax"));
  }

  @Test
  void rejectsABadTablePattern() throws Exception {
    Map<String, Object> spec = valid();
    spec.put("tables", Map.of("include", List.of("public.it;ems")));
    assertThat(details(rejected(spec))).anyMatch(d -> d.contains("public.it;ems"));
  }

  @Test
  void requiresATenantColumnForSeveralTenants() throws Exception {
    Map<String, Object> spec = valid();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tenants = (List<Map<String, Object>>) child(spec, "source").get("tenants");
    tenants.add(new LinkedHashMap<>(Map.of("id", "t2", "url", pg.url(source), "user", pg.user())));
    assertThat(details(rejected(spec))).anyMatch(d -> d.contains("tenantColumn"));
  }

  @Test
  void reportsWhenNoTableMatches() throws Exception {
    Map<String, Object> spec = valid();
    spec.put("tables", Map.of("include", List.of("nothere.*")));
    assertThat(details(rejected(spec))).anyMatch(d -> d.contains("t1") && d.contains("nothere.*"));
  }

  @Test
  void reportsAnUnreachableDatabaseAndBadCredentialsTogether() throws Exception {
    Map<String, Object> spec = valid();
    firstTenant(spec).put("url", "jdbc:postgresql://127.0.0.1:1/nowhere");
    child(spec, "target").put("user", "no_such_user_" + System.nanoTime());
    child(spec, "target").put("password", SECRET);
    List<String> details = details(rejected(spec));
    assertThat(details).anyMatch(d -> d.contains("t1") && d.contains("127.0.0.1:1"));
    assertThat(details).anyMatch(d -> d.contains("target") && d.contains("no_such_user_"));
  }

  @Test
  void aDryRunReturnsThePlanInYamlToo() throws Exception {
    String yaml = """
        name: dry
        source:
          engine: postgresql
          tenants:
            - id: t1
              url: %s
              user: %s
        target:
          engine: postgresql
          url: %s
          user: %s
        tables:
          include: ["public.items", "public.orders"]
        mode: drop_recreate
        unit:
          rows: 200
        """.formatted(pg.url(source), pg.user(), pg.url(target), pg.user());
    ApiClient.Response response = api.post("/api/v1/jobs?dryRun=true", yaml, "application/yaml");
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    JsonNode tables = response.body().path("tables");
    assertThat(tables.size()).isEqualTo(2);
    JsonNode items = tables.get(0).path("table").asText().endsWith("items") ? tables.get(0) : tables.get(1);
    assertThat(items.path("units").asInt()).isGreaterThan(1);
    assertThat(items.path("splitMethod").asText()).isEqualTo("primary_key");
    assertThat(items.path("ddl").toString()).contains("CREATE TABLE");
    assertThat(api.get("/api/v1/jobs").body().path("jobs").toString()).doesNotContain("\"dry\"");
  }

  @Test
  void answers404ForAnUnknownJob() throws Exception {
    ApiClient.Response response = api.get("/api/v1/jobs/nope-123");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body().path("error").asText()).isNotBlank();
  }
}
