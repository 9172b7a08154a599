package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.CoordinatorOptions;
import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RunningCoordinator;
import io.ferry.protocol.Addresses;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Verification through a real coordinator (standalone Hazelcast, real PostgreSQL target): a fake worker
 * answers the preflight and runs the units over the event bus, answering verify units with the findings
 * each test gives. States, verdicts, the report in JSON and HTML, POST verify and its refusals, and
 * findings kept across a coordinator restart.
 */
class VerifyApiTest {

  private static final TestPostgres PG = new TestPostgres();
  private static final String WORKER = "verify-worker";
  private static String database;
  private static Path stateDir;
  private static Vertx vertx;
  private static RunningCoordinator coordinator;
  private final FakeWorker worker = new FakeWorker();

  @BeforeAll
  static void start() throws Exception {
    database = PG.createDatabase("verify");
    stateDir = Files.createTempDirectory("ferry-verify");
    vertx = Vertx.vertx();
    coordinator = RunningCoordinator.start(vertx, CoordinatorOptions.defaults().withStateDir(stateDir));
  }

  @AfterAll
  static void stop() throws Exception {
    coordinator.close();
    RunningCoordinator.await(vertx.close());
    PG.close();
  }

  @BeforeEach
  void registerWorker() throws Exception {
    worker.answerWith(spec -> plans(spec.name(), !spec.name().startsWith("missing"))).register(vertx);
  }

  @AfterEach
  void unregisterWorker() throws Exception {
    worker.unregister();
  }

  /** Each job its own tables (jobs of the class share a target): 3 ranges of tenant a, 1 of tenant b. */
  private static List<TablePlan> plans(String name, boolean targetExists) {
    String table = "public.items_" + name.replace('-', '_');
    TablePlan a = Fixtures.plan("a", table, 30_000, 300, Fixtures.quantiles(100, 300));
    TablePlan b = Fixtures.plan("b", table, 10, 100, List.of());
    return List.of(exists(a, targetExists), exists(b, targetExists));
  }

  private static TablePlan exists(TablePlan p, boolean exists) {
    return new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(), p.split(), p.estimatedRows(),
        p.estimatedBytes(), p.copyFormat(), p.partitionOf(), p.ddl(), exists, false, 0, List.of());
  }

  private static String spec(String name, String mode, String verify) {
    JsonObject spec = new JsonObject()
        .put("name", name)
        .put("mode", mode)
        .put("unit", new JsonObject().put("rows", 10_000))
        .put("source", new JsonObject().put("engine", "postgresql").put("tenants", new JsonArray()
            .add(new JsonObject().put("id", "a").put("url", "jdbc:postgresql://127.0.0.1:5432/a").put("user", "postgres"))
            .add(new JsonObject().put("id", "b").put("url", "jdbc:postgresql://127.0.0.1:5432/b").put("user", "postgres"))))
        .put("target", new JsonObject().put("engine", "postgresql").put("url", PG.url(database))
            .put("user", PG.user()).put("tenantColumn", "tenant_id"));
    if (verify != null) {
      spec.put("verify", verify);
    }
    return spec.encode();
  }

  private static String submit(String name, String mode, String verify) throws Exception {
    HttpResponse<String> created = coordinator.post("/api/v1/jobs", "application/json", spec(name, mode, verify));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("id");
  }

  private static VerifyFindings clean(WorkUnit u) {
    return new VerifyFindings(10, 10, 1, 0, 0, List.of(), null);
  }

  /**
   * Runs the job's units as a worker would until none is handed out: every unit succeeds, verify units
   * with {@code findings}. Answers the job's states seen after each round, in order, without repeats.
   */
  private static List<String> run(String jobId, Function<WorkUnit, VerifyFindings> findings) throws Exception {
    Set<String> states = new LinkedHashSet<>();
    states.add(state(jobId));
    for (int round = 0; round < 50; round++) {
      List<Assignment> claimed = coordinator.request(Addresses.CLAIM, new ClaimRequest(WORKER, 16), ClaimReply.class)
          .assignments();
      if (claimed.isEmpty()) {
        break;
      }
      for (Assignment a : claimed) {
        WorkUnit u = a.unit();
        VerifyFindings f = u.kind() == UnitKind.VERIFY ? findings.apply(u) : null;
        coordinator.request(Addresses.RESULT, new UnitResult(u.jobId(), u.id(), u.lease().epoch(), WORKER, true,
            u.kind() == UnitKind.COPY ? 10 : 0, 0, null, false, 0, f), String.class);
        states.add(state(jobId));
      }
    }
    return new ArrayList<>(states);
  }

  private static String state(String jobId) throws Exception {
    return status(jobId).getString("state");
  }

  private static JsonObject status(String jobId) throws Exception {
    return new JsonObject(coordinator.get("/api/v1/jobs/" + jobId).body());
  }

  private static JsonObject report(String jobId) throws Exception {
    HttpResponse<String> r = coordinator.get("/api/v1/jobs/" + jobId + "/report");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> html(String path) throws Exception {
    // RunningCoordinator sends no Accept header: the page is asked for as a browser would.
    String port = coordinator.get("/health").uri().getPort() + "";
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Accept", "text/html,application/xhtml+xml").GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonObject> units(String jobId, String kind) throws Exception {
    JsonArray all = new JsonObject(coordinator.get("/api/v1/jobs/" + jobId + "/units?kind=" + kind).body()).getJsonArray("units");
    List<JsonObject> out = new ArrayList<>();
    all.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  @Test
  void aCleanCopyIsVerifiedRangeByRangeAndSucceedsWithACleanReport() throws Exception {
    String id = submit("clean", "create", null);
    assertThat(units(id, "verify")).as("one per copy unit, by default, and the job's checks").hasSize(4 + 1)
        .extracting(u -> u.getString("id")).contains("verify:a:public.items_clean:0000", "verify:b:public.items_clean:0000",
            "verify:*");

    assertThat(run(id, VerifyApiTest::clean)).containsSubsequence("running", "verifying", "succeeded");

    JsonObject status = status(id);
    assertThat(status.getString("phase")).isEqualTo("done");
    assertThat(status.getJsonObject("verification").getString("verdict")).isEqualTo("clean");
    JsonObject report = report(id);
    assertThat(report.getString("verdict")).isEqualTo("clean");
    assertThat(report.getBoolean("sample")).isFalse();
    assertThat(report.getJsonObject("totals").getLong("ranges")).isEqualTo(4);
    assertThat(report.getJsonObject("totals").getLong("rangesVerified")).isEqualTo(4);
    assertThat(report.getJsonObject("totals").getLong("sourceRows")).isEqualTo(40);
    assertThat(report.getJsonArray("tables")).hasSize(2);
    assertThat(report.getJsonArray("tables").getJsonObject(0).getLong("copiedRows")).isEqualTo(30);
    assertThat(report.getJsonObject("totals").getLong("orphanedRows")).isZero();

    HttpResponse<String> page = html("/api/v1/jobs/" + id + "/report");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("Verdict: clean", "public.items_clean")
        .doesNotContain("<script", "http://", "https://");
  }

  @Test
  void differencesFailTheJobAreReportedSurviveARestartAndAVerifyAgainCanClearThem() throws Exception {
    String id = submit("diff", "create", "full");
    Function<WorkUnit, VerifyFindings> corrupt = u -> switch (u.id()) {
      case "verify:a:public.items_diff:0001" -> new VerifyFindings(10, 9, 3, 2, 2, List.of(
          new Difference(Kind.MISSING, List.of("1042"), List.of()),
          new Difference(Kind.DIFFERENT, List.of("<b>7</b>"), List.of("name"))), null);
      case "verify:*" -> VerifyFindings.jobChecks("rows the target rejected; foreign-key orphans of 1 foreign key(s)",
          List.of(), List.of(new VerifyFindings.Orphans("b", "public.items_diff", "items_diff_parent_fk", "public.items_diff",
              3, List.of(List.of("<i>9</i>"), List.of("10"), List.of("11")))));
      default -> clean(u);
    };

    assertThat(run(id, corrupt)).containsSubsequence("running", "verifying", "failed").doesNotContain("succeeded");

    JsonObject status = status(id);
    assertThat(status.getString("error")).isEqualTo("verification found 2 differing keys in 1 table and 3 orphaned rows"
        + " of 1 foreign key (see the job's report)");
    JsonObject report = report(id);
    assertThat(report.getString("verdict")).isEqualTo("differences");
    JsonObject a = report.getJsonArray("tables").getJsonObject(0);
    assertThat(a.getString("tenant")).isEqualTo("a");
    assertThat(a.getString("verdict")).isEqualTo("differences");
    assertThat(a.getLong("sourceRows")).isEqualTo(30);
    assertThat(a.getLong("targetRows")).isEqualTo(29);
    assertThat(a.getLong("rangesMismatched")).isEqualTo(1);
    assertThat(a.getLong("differingKeys")).isEqualTo(2);
    assertThat(a.getJsonArray("differences").getJsonObject(1).encode())
        .contains("\"kind\":\"different\"", "\"key\":[\"<b>7</b>\"]", "\"columns\":[\"name\"]");
    JsonObject b = report.getJsonArray("tables").getJsonObject(1);
    assertThat(b.getString("verdict")).as("every range clean, but orphaned rows").isEqualTo("differences");
    assertThat(b.getLong("differingKeys")).isZero();
    assertThat(b.getLong("orphanedRows")).isEqualTo(3);
    assertThat(b.getJsonArray("orphans").getJsonObject(0).encode()).contains("\"foreignKey\":\"items_diff_parent_fk\"",
        "\"referencedTable\":\"public.items_diff\"", "\"rows\":3", "\"keys\":[[\"<i>9</i>\"],[\"10\"],[\"11\"]]");
    assertThat(report.getJsonObject("totals").getLong("orphanedRows")).isEqualTo(3);
    assertThat(report.getString("checks")).isEqualTo("rows the target rejected; foreign-key orphans of 1 foreign key(s)");
    String page = html("/api/v1/jobs/" + id + "/report").body();
    assertThat(page).contains("Verdict: differences", "&lt;b&gt;7&lt;/b&gt;", "missing", "1042").doesNotContain("<b>7</b>");
    assertThat(page).contains("Orphaned rows in public.items_diff, tenant b", "items_diff_parent_fk", "(&lt;i&gt;9&lt;/i&gt;) (10) (11)")
        .doesNotContain("<i>9</i>");

    // The findings are in the target's record of each unit: a restarted coordinator reports the same.
    coordinator.close();
    coordinator = RunningCoordinator.start(vertx, CoordinatorOptions.defaults().withStateDir(stateDir));
    assertThat(report(id).getJsonArray("tables")).isEqualTo(report.getJsonArray("tables"));
    assertThat(state(id)).isEqualTo("failed");

    HttpResponse<String> again = coordinator.post("/api/v1/jobs/" + id + "/verify", "application/json", "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("state")).isEqualTo("verifying");
    assertThat(units(id, "verify")).hasSize(4 + 1).allSatisfy(u -> {
      assertThat(u.getString("state")).isEqualTo("pending");
      assertThat(u.containsKey("findings")).as("what the last run found is dropped").isFalse();
    });
    assertThat(report(id).getString("verdict")).isEqualTo("verification incomplete");

    assertThat(run(id, VerifyApiTest::clean)).containsSubsequence("verifying", "succeeded");
    assertThat(report(id).getString("verdict")).isEqualTo("clean");
    assertThat(status(id).getString("error")).isNull();
  }

  @Test
  void repairReCopiesTheDifferingRangesVerifiesThemAgainAndIsRefusedWhenThereIsNothingToRepair() throws Exception {
    String id = submit("repair", "create", "full");
    HttpResponse<String> early = coordinator.post("/api/v1/jobs/" + id + "/repair", "application/json", "");
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(early.body()).getJsonArray("details").encode())
        .contains("job " + id + " is running: only a finished job whose verification found differences");
    VerifyFindings listed = new VerifyFindings(10, 9, 3, 2, 1, List.of(new Difference(Kind.MISSING, List.of("1042"), List.of())),
        null);
    VerifyFindings counted = new VerifyFindings(10, 0, 1, 1, 10, List.of(), "rows without a key differ: counted, not listed");
    run(id, u -> switch (u.id()) {
      case "verify:a:public.items_repair:0001" -> listed;
      case "verify:b:public.items_repair:0000" -> counted;
      default -> clean(u);
    });
    assertThat(state(id)).isEqualTo("failed");

    HttpResponse<String> repair = coordinator.post("/api/v1/jobs/" + id + "/repair", "application/json", "");
    assertThat(repair.statusCode()).as(repair.body()).isEqualTo(202);
    JsonObject body = new JsonObject(repair.body());
    assertThat(body.getJsonObject("job").getString("state")).isEqualTo("running");
    assertThat(body.getJsonArray("repairs").encode()).contains(
        "{\"id\":\"repair:1:a:public.items_repair:0001\",\"tenant\":\"a\",\"table\":\"public.items_repair\"",
        "\"differingKeys\":1,\"recopies\":\"keys\"}", "\"differingKeys\":10,\"recopies\":\"range\"}");
    assertThat(units(id, "repair")).hasSize(2).allSatisfy(u -> {
      assertThat(u.getString("state")).isEqualTo("pending");
      assertThat(u.containsKey("findings")).as("the findings it repairs").isTrue();
    });
    assertThat(report(id).getString("verdict")).isEqualTo("verification incomplete");

    // The repair units and the findings they carry are in the target's record: a restarted coordinator hands them out.
    coordinator.close();
    coordinator = RunningCoordinator.start(vertx, CoordinatorOptions.defaults().withStateDir(stateDir));
    assertThat(state(id)).isEqualTo("running");
    assertThat(units(id, "repair")).hasSize(2).allSatisfy(u -> assertThat(u.containsKey("findings")).isTrue());

    assertThat(run(id, VerifyApiTest::clean)).containsSubsequence("running", "verifying", "succeeded");
    assertThat(units(id, "repair")).allSatisfy(u -> assertThat(u.getString("state")).isEqualTo("done"));
    assertThat(report(id).getString("verdict")).isEqualTo("clean");
    HttpResponse<String> nothing = coordinator.post("/api/v1/jobs/" + id + "/repair", "application/json", "");
    assertThat(nothing.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(nothing.body()).getString("error")).isEqualTo("cannot repair the job");
    assertThat(nothing.body()).contains("found no difference: there is nothing to repair");
    assertThat(coordinator.post("/api/v1/jobs/nope-aaaaaa/repair", "application/json", "").statusCode()).isEqualTo(404);
  }

  @Test
  void verifyIsRefusedUnlessTheJobIsFinishedAndAddsRangesToAJobThatHadNone() throws Exception {
    assertThat(coordinator.post("/api/v1/jobs/nope-aaaaaa/verify", "application/json", "").statusCode()).isEqualTo(404);

    String running = submit("busy", "create", null);
    HttpResponse<String> refused = coordinator.post("/api/v1/jobs/" + running + "/verify", "application/json", "");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(refused.body()).getJsonArray("details").getString(0))
        .isEqualTo("job " + running + " is running: it can be verified once it has finished");
    assertThat(coordinator.post("/api/v1/jobs/" + running + "/cancel", "application/json", "").statusCode()).isEqualTo(200);
    refused = coordinator.post("/api/v1/jobs/" + running + "/verify", "application/json", "");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("is cancelled");

    String unverified = submit("unverified", "create", "none");
    assertThat(units(unverified, "verify")).isEmpty();
    assertThat(run(unverified, VerifyApiTest::clean)).containsExactly("running", "succeeded");
    assertThat(report(unverified).getString("verdict")).isEqualTo("not verified");
    HttpResponse<String> verify = coordinator.post("/api/v1/jobs/" + unverified + "/verify", "application/json", "");
    assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
    assertThat(units(unverified, "verify")).as("its ranges and the job's checks").hasSize(4 + 1);
    assertThat(run(unverified, VerifyApiTest::clean)).containsSubsequence("verifying", "succeeded");
    assertThat(report(unverified).getString("verdict")).isEqualTo("clean");
  }

  @Test
  void aSampleVerifiesSomeRangesOfEveryTableAndSaysSo() throws Exception {
    String id = submit("sampled", "create", "sample");
    List<JsonObject> verifies = units(id, "verify");
    assertThat(verifies).hasSize(2 + 1).extracting(u -> u.getString("tenantId")).containsExactlyInAnyOrder("a", "b", null);
    assertThat(run(id, VerifyApiTest::clean)).containsSubsequence("running", "verifying", "succeeded");
    JsonObject report = report(id);
    assertThat(report.getBoolean("sample")).isTrue();
    assertThat(report.getString("scope")).isEqualTo("sample: 2 of 4 copied ranges");
    assertThat(report.getString("verdict")).isEqualTo("clean");
  }

  @Test
  void aJobOfModeVerifyComparesExistingTablesOnlyAndRefusesMissingOnes() throws Exception {
    String id = submit("existing", "verify", null);
    List<JsonObject> all = new ArrayList<>();
    new JsonObject(coordinator.get("/api/v1/jobs/" + id + "/units").body()).getJsonArray("units").forEach(o -> all.add((JsonObject) o));
    assertThat(all).hasSize(4 + 1).allSatisfy(u -> assertThat(u.getString("kind")).isEqualTo("verify"));
    assertThat(state(id)).isEqualTo("verifying");
    assertThat(run(id, VerifyApiTest::clean)).containsExactly("verifying", "succeeded");
    assertThat(report(id).getJsonObject("totals").getLong("ranges")).isEqualTo(4);

    HttpResponse<String> missing = coordinator.post("/api/v1/jobs", "application/json", spec("missing", "verify", null));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(missing.body()).getJsonArray("details").getString(0))
        .startsWith("target table public.items_missing does not exist: mode verify compares existing target tables");
  }

  @Test
  void badVerifyValuesAreListedWithEveryOtherProblem() throws Exception {
    String bad = new JsonObject(spec("bad", "sideways", "twice")).put("onRowError", "shrug").encode();
    HttpResponse<String> r = coordinator.post("/api/v1/jobs", "application/json", bad);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getJsonArray("details").encode())
        .contains("mode: unknown mode 'sideways'", "onRowError:", "verify: unknown verify 'twice'; expected one of full");

    r = coordinator.post("/api/v1/jobs", "application/json", spec("pointless", "verify", "none"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("verify is none but mode is verify");
  }
}
