package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.CoordinatorOptions;
import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RunningCoordinator;
import io.ferry.protocol.Addresses;
import io.ferry.protocol.BusFailure;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.testsupport.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API and the worker endpoints of a real coordinator (standalone Hazelcast, real PostgreSQL
 * target), with a fake worker answering preflights.
 */
class JobApiTest {

  private static final String LITERAL = "Very-Secret-Literal-42";
  private static final TestPostgres PG = new TestPostgres();
  private static String database;
  private static Path stateDir;
  private static Vertx vertx;
  private static RunningCoordinator coordinator;
  private static ApiContract api;
  private final FakeWorker worker = new FakeWorker();

  @BeforeAll
  static void start() throws Exception {
    database = PG.createDatabase("api");
    stateDir = Files.createTempDirectory("ferry-api");
    vertx = Vertx.vertx();
    coordinator = RunningCoordinator.start(vertx, CoordinatorOptions.defaults().withStateDir(stateDir));
    api = ApiContract.load(vertx);
  }

  /** The answer is what the OpenAPI document promises for the operation. */
  private static HttpResponse<String> conforming(String operationId, HttpResponse<String> response) {
    assertThat(api.check(operationId, response)).as("%s %s: %s", operationId, response.statusCode(), response.body()).isNull();
    return response;
  }

  @AfterAll
  static void stop() throws Exception {
    coordinator.close();
    RunningCoordinator.await(vertx.close());
    PG.close();
  }

  @BeforeEach
  void registerWorker() throws Exception {
    worker.answerWith(plans()).register(vertx);
  }

  @AfterEach
  void unregisterWorker() throws Exception {
    worker.unregister();
  }

  /** The tests share a target: a job left running would overlap the next test's job (409). */
  @AfterEach
  void cancelUnfinishedJobs() throws Exception {
    JsonArray all = new JsonObject(coordinator.get("/api/v1/jobs").body()).getJsonArray("jobs");
    for (int i = 0; i < all.size(); i++) {
      JsonObject job = all.getJsonObject(i);
      if (!List.of("succeeded", "failed", "cancelled").contains(job.getString("state"))) {
        coordinator.post("/api/v1/jobs/" + job.getString("id") + "/cancel", "application/json", "");
      }
    }
  }

  private static List<TablePlan> plans() {
    return List.of(
        Fixtures.plan("a", "public.orders", 500_000, 1_000_000, Fixtures.quantiles(100, 1000), List.of("ALTER TABLE public.orders ADD FOREIGN KEY …")),
        Fixtures.plan("b", "public.orders", 10, 100, List.of()));
  }

  private static String spec(String name, String targetPassword) {
    return new JsonObject()
        .put("name", name)
        .put("mode", "create")
        .put("source", new JsonObject().put("engine", "postgresql").put("tenants", new JsonArray()
            .add(new JsonObject().put("id", "a").put("url", "jdbc:postgresql://127.0.0.1:5432/a").put("user", "postgres").put("password", LITERAL))
            .add(new JsonObject().put("id", "b").put("url", "jdbc:postgresql://127.0.0.1:5432/b").put("user", "postgres"))))
        .put("target", new JsonObject().put("engine", "postgresql").put("url", PG.url(database))
            .put("user", PG.user()).put("password", targetPassword).put("tenantColumn", "tenant_id"))
        .encode();
  }

  @Test
  void aValidJobIsAcceptedRecordedInTheTargetAndReported() throws Exception {
    HttpResponse<String> created = coordinator.post("/api/v1/jobs", "application/json", spec("orders", null));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    conforming("submitJob", created);
    JsonObject body = new JsonObject(created.body());
    String id = body.getString("id");
    assertThat(id).matches("orders-[a-z2-7]{6}");
    assertThat(body.getString("state")).isEqualTo("running");
    assertThat(body.getJsonObject("links").getString("self")).isEqualTo("/api/v1/jobs/" + id);
    assertThat(worker.requests).singleElement().satisfies(r -> assertThat(r.spec().source().tenants().get(0).password()).isEqualTo(LITERAL));

    JsonObject status = new JsonObject(conforming("getJob", coordinator.get("/api/v1/jobs/" + id)).body());
    assertThat(status.getString("phase")).isEqualTo("prepare");
    // prepare, 2 + 1 copies, finish, finish:* and (verify: full by default) a verify unit per copy and the job's checks
    assertThat(status.getJsonObject("units").getLong("total")).isEqualTo(1 + 2 + 1 + 1 + 1 + 3 + 1);
    assertThat(status.getJsonObject("units").getLong("pending")).isEqualTo(1);
    assertThat(status.getJsonObject("rows").getLong("estimated")).isEqualTo(500_010);
    assertThat(status.getJsonArray("tables")).hasSize(1);
    assertThat(status.encode()).doesNotContain(LITERAL);
    assertThat(conforming("listJobs", coordinator.get("/api/v1/jobs")).body()).contains(id);
    assertThat(new JsonObject(conforming("listUnits", coordinator.get("/api/v1/jobs/" + id + "/units?state=pending")).body()).getJsonArray("units"))
        .hasSize(1);

    try (Connection c = PG.connect(database);
         ResultSet rs = c.createStatement().executeQuery("SELECT body FROM ferry.jobs WHERE job_id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains("\"state\":\"running\"").doesNotContain(LITERAL);
    }
    assertThat(Files.readString(stateDir.resolve("targets.json"))).contains(id).doesNotContain(LITERAL);
  }

  @Test
  void workersClaimReportAndFinishAJob() throws Exception {
    String id = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("flow", null)).body()).getString("id");
    Heartbeat hb = new Heartbeat("w1", "localhost", 1, 8, List.of(), 0, 0, 0);
    coordinator.request(Addresses.HEARTBEAT, hb, HeartbeatReply.class);
    assertThat(conforming("listWorkers", coordinator.get("/api/v1/workers")).body()).contains("\"id\":\"w1\"");

    int guard = 0;
    List<Assignment> claimed;
    while (!(claimed = mine(coordinator.request(Addresses.CLAIM, new ClaimRequest("w1", 8), ClaimReply.class), id)).isEmpty() && guard++ < 20) {
      for (Assignment a : claimed) {
        assertThat(a.source().password()).isIn(LITERAL, null);
        var u = a.unit();
        HeartbeatReply renewed = coordinator.request(Addresses.HEARTBEAT,
            new Heartbeat("w1", "localhost", 1, 8, List.of(u.id(), "copy:x:gone:0000"), 0, 0, 0), HeartbeatReply.class);
        assertThat(renewed.lostUnits()).containsExactly("copy:x:gone:0000");
        coordinator.vertx.eventBus().send(Addresses.PROGRESS, io.ferry.protocol.Json.encode(new UnitProgress(id, u.id(), u.lease().epoch(), "w1", 5, 50)));
        // A verify unit answers with what it found: here, a clean range.
        boolean verify = u.kind() == io.ferry.protocol.unit.UnitKind.VERIFY;
        assertThat(coordinator.request(Addresses.RESULT, new UnitResult(id, u.id(), u.lease().epoch(), "w1", true,
            verify ? 0 : 10, verify ? 0 : 100, null, false, 0,
            verify ? new io.ferry.protocol.message.VerifyFindings(10, 10, 1, 0, 0, List.of(), null) : null), String.class))
            .isEqualTo("ok");
      }
    }

    JsonObject status = new JsonObject(conforming("getJob", coordinator.get("/api/v1/jobs/" + id)).body());
    assertThat(status.getString("state")).isEqualTo("succeeded");
    conforming("listUnits", coordinator.get("/api/v1/jobs/" + id + "/units?kind=verify"));
    conforming("getReport", coordinator.get("/api/v1/jobs/" + id + "/report"));
    conforming("getThroughput", coordinator.get("/api/v1/jobs/" + id + "/throughput?minutes=5"));
    assertThat(status.getString("phase")).isEqualTo("done");
    assertThat(status.getLong("etaSeconds")).isZero();
    assertThat(status.getJsonObject("rows").getLong("done")).isEqualTo(30);
    assertThat(coordinator.get("/metrics").body()).contains("ferry_rows_copied_total{job=\"" + id + "\"", "ferry_units{", "ferry_workers",
        "ferry_job_state{job=\"" + id + "\",state=\"succeeded\"} 1.0", "jvm_memory_used_bytes{", "process_uptime_seconds ");
    awaitStoredState(id, "succeeded");
  }

  /** Other tests' jobs may be running too: finish them along, but only count this job's units. */
  private List<Assignment> mine(ClaimReply reply, String jobId) throws Exception {
    for (Assignment a : reply.assignments()) {
      if (!a.unit().jobId().equals(jobId)) {
        coordinator.request(Addresses.RESULT, new UnitResult(a.unit().jobId(), a.unit().id(), a.unit().lease().epoch(), a.unit().lease().workerId(), false, 0, 0,
            "worker stopping", true), String.class);
      }
    }
    return reply.assignments().stream().filter(a -> a.unit().jobId().equals(jobId)).toList();
  }

  private void awaitStoredState(String id, String state) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    while (true) {
      try (Connection c = PG.connect(database);
           ResultSet rs = c.createStatement().executeQuery("SELECT body FROM ferry.jobs WHERE job_id = '" + id + "'")) {
        if (rs.next() && rs.getString(1).contains("\"state\":\"" + state + "\"")) {
          return;
        }
      }
      assertThat(System.currentTimeMillis()).as("job %s recorded as %s", id, state).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void anUnreadableWorkerMessageFailsWithItsNamedKind() {
    Throwable failure = coordinator.vertx.eventBus().request(Addresses.CLAIM, "{not json").toCompletionStage()
        .toCompletableFuture().handle((reply, e) -> e).join();

    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(BusFailure.of(((ReplyException) failure).failureCode())).isEqualTo(BusFailure.UNREADABLE);
    assertThat(failure.getMessage()).startsWith("unreadable ClaimRequest");
  }

  @Test
  void pauseResumeCancelAndRetryAnswerTheSummaryRecordItAndRefuseWhatDoesNotApply() throws Exception {
    String id = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("control", null)).body()).getString("id");
    Assignment prepare = claimOne(id);
    coordinator.request(Addresses.RESULT, new UnitResult(id, prepare.unit().id(), prepare.unit().lease().epoch(), "w9", true, 0, 0, null, false),
        String.class);
    Assignment copy = claimOne(id);

    ch.qos.logback.classic.Logger controlLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        io.ferry.coordinator.schedule.JobControl.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    controlLog.addAppender(logged);
    HttpResponse<String> paused;
    try {
      paused = coordinator.post("/api/v1/jobs/" + id + "/pause", "application/json", "");
    } finally {
      controlLog.detachAppender(logged);
    }
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    conforming("pauseJob", paused);
    assertThat(logged.list).as("what handling the job's request logs names the job").anySatisfy(e -> {
      assertThat(e.getFormattedMessage()).startsWith("job " + id + " paused");
      assertThat(e.getMDCPropertyMap()).containsEntry(io.ferry.protocol.LogContext.JOB, id);
    });
    assertThat(new JsonObject(paused.body()).getString("state")).isEqualTo("paused");
    assertThat(new JsonObject(paused.body()).getJsonObject("units").getLong("leased")).isEqualTo(1);
    awaitStoredState(id, "paused");
    HeartbeatReply reply = coordinator.request(Addresses.HEARTBEAT,
        new Heartbeat("w9", "localhost", 1, 8, List.of(id + "/" + copy.unit().id()), 0, 0, 0), HeartbeatReply.class);
    assertThat(reply.stopUnits()).containsExactly(id + "/" + copy.unit().id());
    assertThat(reply.lostUnits()).isEmpty();
    coordinator.request(Addresses.RESULT, new UnitResult(id, copy.unit().id(), copy.unit().lease().epoch(), "w9", false, 100, 1000,
        "worker stopping", true), String.class);
    assertThat(mine(coordinator.request(Addresses.CLAIM, new ClaimRequest("w9", 8), ClaimReply.class), id)).isEmpty();
    assertThat(coordinator.post("/api/v1/jobs/" + id + "/pause", "application/json", "").statusCode()).as("repeatable").isEqualTo(200);

    HttpResponse<String> resumed = coordinator.post("/api/v1/jobs/" + id + "/resume", "application/json", "");
    assertThat(new JsonObject(resumed.body()).getString("state")).isEqualTo("running");
    awaitStoredState(id, "running");

    Assignment failing = claimOne(id);
    coordinator.request(Addresses.RESULT, new UnitResult(id, failing.unit().id(), failing.unit().lease().epoch(), "w9", false, 0, 0,
        "copy unit " + failing.unit().id() + ": ERROR: value too long for type character varying(3)", false), String.class);
    JsonArray failed = new JsonObject(conforming("listUnits", coordinator.get("/api/v1/jobs/" + id + "/units?state=failed")).body())
        .getJsonArray("units");
    assertThat(failed).hasSize(1);
    JsonObject unit = failed.getJsonObject(0);
    assertThat(unit.getString("id")).isEqualTo(failing.unit().id());
    assertThat(unit.getString("tenantId")).isIn("a", "b").isEqualTo(failing.unit().slice().tenantId());
    assertThat(unit.getString("table")).isEqualTo("public.orders");
    assertThat(unit.getJsonObject("range")).isNotNull();
    assertThat(unit.getString("error")).contains("value too long");
    assertThat(new JsonObject(conforming("getJob", coordinator.get("/api/v1/jobs/" + id)).body()).getString("state")).isEqualTo("failed");

    HttpResponse<String> retried = coordinator.post("/api/v1/jobs/" + id + "/retry", "application/json", "");
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    conforming("retryJob", retried);
    assertThat(new JsonObject(retried.body()).getString("state")).isEqualTo("running");
    assertThat(new JsonObject(retried.body()).getJsonObject("units").getLong("failed")).isZero();
    HttpResponse<String> nothing = coordinator.post("/api/v1/jobs/" + id + "/retry", "application/json", "");
    assertThat(nothing.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(nothing.body()).getJsonArray("details").getString(0)).contains("no failed unit");

    HttpResponse<String> cancelled = coordinator.post("/api/v1/jobs/" + id + "/cancel", "application/json", "");
    assertThat(new JsonObject(cancelled.body()).getString("state")).isEqualTo("cancelled");
    awaitStoredState(id, "cancelled");
    HttpResponse<String> refused = coordinator.post("/api/v1/jobs/" + id + "/resume", "application/json", "");
    assertThat(refused.statusCode()).isEqualTo(409);
    conforming("resumeJob", refused);
    JsonObject error = new JsonObject(refused.body());
    assertThat(error.getString("error")).isEqualTo("invalid job state");
    assertThat(error.getJsonArray("details").getString(0)).contains(id + " is cancelled");
    assertThat(coordinator.post("/api/v1/jobs/nope-123456/pause", "application/json", "").statusCode()).isEqualTo(404);
    assertThat(coordinator.get("/api/v1/jobs/" + id + "/pause").statusCode()).as("GET is not a control request").isIn(404, 405);
  }

  /** Claims one unit of this job; every other unit handed out (of this job or of other tests' jobs) is handed back. */
  @Test
  void aTenantIsPausedCancelledAndRefusedByItsOwnBodyWhileTheJobRunsOn() throws Exception {
    String id = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("scoped", null)).body()).getString("id");
    String url = "/api/v1/jobs/" + id;

    HttpResponse<String> paused = conforming("pauseJob", coordinator.post(url + "/pause", "application/json", "{\"tenant\": \"a\"}"));
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    JsonObject summary = new JsonObject(paused.body());
    assertThat(summary.getString("state")).isEqualTo("running");
    assertThat(summary.getJsonArray("scopes")).containsExactly(new JsonObject().put("tenant", "a").putNull("table").put("state", "paused"));

    Assignment prepare = claimOne(id);
    assertThat(prepare.unit().slice().tenantId()).as("a table's shared prepare is no tenant's").isNull();
    coordinator.request(Addresses.RESULT, new UnitResult(id, prepare.unit().id(), prepare.unit().lease().epoch(), "w9", true, 0, 0, null, false),
        String.class);
    List<Assignment> copies = mine(coordinator.request(Addresses.CLAIM, new ClaimRequest("w9", 20), ClaimReply.class), id);
    assertThat(copies).isNotEmpty().allSatisfy(a -> assertThat(a.unit().slice().tenantId()).as("tenant a is paused").isEqualTo("b"));
    for (Assignment a : copies) {
      coordinator.request(Addresses.RESULT, new UnitResult(id, a.unit().id(), a.unit().lease().epoch(), "w9", false, 0, 0,
          "worker stopping", true), String.class);
    }

    HttpResponse<String> unknown = conforming("pauseJob", coordinator.post(url + "/pause", "application/json",
        "{\"tenant\": \"zz\", \"table\": \"public.nope\"}"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("invalid pause");
    assertThat(new JsonObject(unknown.body()).getJsonArray("details")).hasSize(2)
        .anySatisfy(d -> assertThat((String) d).contains("tenant 'zz' is not a tenant of job " + id + "; its tenants: a, b"))
        .anySatisfy(d -> assertThat((String) d).contains("table 'public.nope' is not a target table"));
    HttpResponse<String> shape = conforming("cancelJob", coordinator.post(url + "/cancel", "application/json", "{\"tenant\": 7, \"colour\": \"x\"}"));
    assertThat(shape.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(shape.body()).getJsonArray("details")).hasSize(2);

    HttpResponse<String> cancelled = conforming("cancelJob", coordinator.post(url + "/cancel", "application/json", "{\"tenant\": \"a\"}"));
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(new JsonObject(cancelled.body()).getJsonArray("scopes").getJsonObject(0).getString("state")).isEqualTo("cancelled");
    HttpResponse<String> refused = conforming("resumeJob", coordinator.post(url + "/resume", "application/json", "{\"tenant\": \"a\"}"));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(refused.body()).getJsonArray("details").getString(0)).contains("tenant a of job " + id + " is cancelled");
    assertThat(new JsonObject(coordinator.get(url).body()).getString("state")).as("tenant b goes on").isEqualTo("running");
  }

  private Assignment claimOne(String jobId) throws Exception {
    Assignment chosen = null;
    for (Assignment a : coordinator.request(Addresses.CLAIM, new ClaimRequest("w9", 20), ClaimReply.class).assignments()) {
      if (chosen == null && a.unit().jobId().equals(jobId)) {
        chosen = a;
      } else {
        coordinator.request(Addresses.RESULT, new UnitResult(a.unit().jobId(), a.unit().id(), a.unit().lease().epoch(), "w9", false, 0, 0,
            "worker stopping", true), String.class);
      }
    }
    assertThat(chosen).as("a unit of job %s was handed out", jobId).isNotNull();
    return chosen;
  }

  @Test
  void aJobWritingWhatAnUnfinishedJobWritesIsRefusedUntilThatJobEnds() throws Exception {
    String first = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("first", null)).body()).getString("id");

    HttpResponse<String> second = coordinator.post("/api/v1/jobs", "application/json", spec("second", null));

    assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
    JsonObject error = new JsonObject(second.body());
    assertThat(error.getString("error")).isEqualTo("the job overlaps an unfinished job");
    assertThat(error.getJsonArray("details").getString(0)).startsWith("job " + first + " (not finished) writes public.orders")
        .contains("mode create would rebuild a table that job is copying into");
    assertThat(coordinator.post("/api/v1/jobs/" + first + "/cancel", "application/json", "").statusCode()).isEqualTo(200);
    assertThat(coordinator.post("/api/v1/jobs", "application/json", spec("third", null)).statusCode()).as("once it ended").isEqualTo(201);
  }

  /**
   * Another cluster's job is recorded in the same target database: the target is the record, so the
   * refusal covers it too, checked in the transaction that would record the new job.
   */
  @Test
  void aJobOverlappingAJobAnotherCoordinatorRecordedInTheTargetIsRefused() throws Exception {
    String first = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("first", null)).body()).getString("id");
    String foreign = "elsewhere-abcdef";
    try (Connection c = PG.connect(database)) {
      try (var ps = c.prepareStatement("INSERT INTO ferry.jobs (job_id, body) SELECT ?, replace(body, ?, ?) FROM ferry.jobs WHERE job_id = ?")) {
        ps.setString(1, foreign);
        ps.setString(2, "\"" + first + "\"");
        ps.setString(3, "\"" + foreign + "\"");
        ps.setString(4, first);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(coordinator.post("/api/v1/jobs/" + first + "/cancel", "application/json", "").statusCode()).isEqualTo(200);

      HttpResponse<String> second = coordinator.post("/api/v1/jobs", "application/json", spec("second", null));

      assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
      JsonObject error = new JsonObject(second.body());
      assertThat(error.getString("error")).isEqualTo("the job overlaps an unfinished job");
      assertThat(error.getJsonArray("details")).hasSize(1);
      assertThat(error.getJsonArray("details").getString(0)).startsWith("job " + foreign + " (not finished) writes public.orders")
          .contains("recorded in the target by another coordinator").contains("DELETE FROM ferry.jobs");
      try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM ferry.jobs WHERE body LIKE '%\"second\"%'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("nothing of the refused job was recorded").isZero();
      }

      c.createStatement().execute("DELETE FROM ferry.jobs WHERE job_id = '" + foreign + "'");
      assertThat(coordinator.post("/api/v1/jobs", "application/json", spec("third", null)).statusCode())
          .as("once that record is gone").isEqualTo(201);
    }
  }

  @Test
  void anInvalidSpecListsEveryProblemAndNeverThePassword() throws Exception {
    String bad = new JsonObject()
        .put("name", "bad name")
        .put("source", new JsonObject().put("engine", "postgresql").put("tenants", new JsonArray()
            .add(new JsonObject().put("id", "a").put("url", "mysql://x").put("password", LITERAL))))
        .put("target", new JsonObject().put("engine", "postgresql").put("user", "u").put("password", LITERAL))
        .encode();

    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/json", bad);

    assertThat(response.statusCode()).isEqualTo(400);
    conforming("submitJob", response);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo("invalid job spec");
    assertThat(body.getJsonArray("details").getList()).hasSize(5).anySatisfy(d -> assertThat(d.toString()).startsWith("name 'bad name'"))
        .anySatisfy(d -> assertThat(d.toString()).startsWith("mode is required"))
        .anySatisfy(d -> assertThat(d.toString()).startsWith("target.url is required"));
    assertThat(response.body()).doesNotContain(LITERAL);
    assertThat(worker.requests).isEmpty();
  }

  @Test
  void unknownFieldsAndYamlSyntaxAreReported() throws Exception {
    HttpResponse<String> unknown = coordinator.post("/api/v1/jobs", "application/yaml",
        "name: x\nmode: create\ntarget:\n  passwrd: " + LITERAL + "\nsauce: {}\n");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getJsonArray("details").getList())
        .anySatisfy(d -> assertThat(d.toString()).startsWith("target.passwrd: unknown field"))
        .anySatisfy(d -> assertThat(d.toString()).startsWith("sauce: unknown field"));
    assertThat(unknown.body()).doesNotContain(LITERAL);
    HttpResponse<String> broken = coordinator.post("/api/v1/jobs", "application/json", "{\"name\": ");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(broken.body()).getString("error")).isEqualTo("invalid job spec");
  }

  @Test
  void aBadOnRowErrorIsListedWithTheOtherProblems() throws Exception {
    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/yaml",
        "name: x\nmode: overwrite\nonRowError: skip\nsauce: {}\n");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo("invalid job spec");
    assertThat(body.getJsonArray("details").getList()).hasSize(3)
        .anySatisfy(d -> assertThat(d.toString()).startsWith("sauce: unknown field").contains("onRowError"))
        .anySatisfy(d -> assertThat(d.toString()).startsWith("mode: unknown mode 'overwrite'"))
        .anySatisfy(d -> assertThat(d.toString()).isEqualTo("onRowError: unknown onRowError 'skip'; expected one of"
            + " fail (fail the unit (and the job), naming the row's key and the database's message), reject (record the"
            + " row in the target's ferry.rejects (key, payload, error), count it, and go on)"));
  }

  @Test
  void preflightProblemsAreReturnedWithoutThePassword() throws Exception {
    worker.answerWithProblems(List.of("tenant a: password authentication failed (password " + LITERAL + ")", "tenant b: no table matched"));
    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/json", spec("pf", null));
    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo("preflight failed");
    assertThat(body.getJsonArray("details")).hasSize(2);
    assertThat(response.body()).doesNotContain(LITERAL);
  }

  @Test
  void tenantsWithDifferentColumnsForOneTableAreRejected() throws Exception {
    TablePlan a = Fixtures.plan("a", "public.orders", 10, 10, List.of());
    TablePlan b = new TablePlan("b", "public.orders", "public.orders", List.of(new io.ferry.protocol.plan.ColumnPlan("id", "integer", false, null, null)),
        new SplitPlan(List.of("id"), List.of("integer"), false, List.of(true), a.split().method(), List.of(), "exact"),
        1, 1, a.copyFormat(), null,
        TargetDdl.NONE,
        false, false, 0, List.of());
    worker.answerWith(List.of(a, b));
    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/json", spec("cols", null));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("table public.orders: tenants a and b have different columns");
  }

  @Test
  void noConnectedWorkerGives503() throws Exception {
    worker.unregister();
    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/json", spec("noworker", null));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("no worker is connected");
  }

  @Test
  void anUnreachableTargetIsRejected() throws Exception {
    String spec = spec("unreachable", null).replace(PG.url(database), "jdbc:postgresql://127.0.0.1:1/nowhere");
    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/json", spec);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("cannot reach the target database");
    assertThat(new JsonObject(response.body()).getJsonArray("details").getString(0))
        .endsWith("as postgres: nothing accepts connections at 127.0.0.1:1 (connection refused: no server listens there,"
            + " or a firewall rejects the connection); a loopback address reaches the machine the coordinator runs on:"
            + " with the cluster on several machines, give the database's network address");
  }

  @Test
  void aNumberOutOfRangeIsNamedByItsField() throws Exception {
    String spec = new JsonObject(spec("huge", null)).put("unit", new JsonObject().put("rows", 1.5).put("bytes", 1e30)).encode();
    HttpResponse<String> response = coordinator.post("/api/v1/jobs", "application/json", spec);
    assertThat(response.statusCode()).isEqualTo(400);
    JsonArray details = new JsonObject(response.body()).getJsonArray("details");
    assertThat(details.size()).isEqualTo(2);
    assertThat(details.getString(0)).isEqualTo("unit.rows: 1.5 is not a whole number");
    assertThat(details.getString(1)).isEqualTo("unit.bytes: 1e30 is out of range (at most 9223372036854775807)");
  }

  @Test
  void aDryRunDescribesThePlanAndStoresNothing() throws Exception {
    int jobsBefore = new JsonObject(coordinator.get("/api/v1/jobs").body()).getJsonArray("jobs").size();
    HttpResponse<String> response = coordinator.post("/api/v1/jobs?dryRun=true", "application/json", spec("dry", null));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    conforming("submitJob", response);
    JsonObject plan = new JsonObject(response.body());
    assertThat(plan.getString("mode")).isEqualTo("create");
    JsonObject table = plan.getJsonArray("tables").getJsonObject(0);
    assertThat(table.getString("table")).isEqualTo("public.orders");
    assertThat(table.getJsonArray("tenants").getList()).containsExactly("a", "b");
    assertThat(table.getLong("units")).isEqualTo(3);
    assertThat(table.getJsonArray("foreignKeys")).hasSize(1);
    assertThat(plan.getString("verify")).isEqualTo("full");
    assertThat(plan.getJsonObject("totals").getLong("units")).as("with a verify unit per copy unit and the job's checks")
        .isEqualTo(6 + 3 + 1);
    assertThat(new JsonObject(coordinator.get("/api/v1/jobs").body()).getJsonArray("jobs")).hasSize(jobsBefore);
  }

  @Test
  void unknownJobsAndBadFiltersAreJsonErrors() throws Exception {
    HttpResponse<String> missing = coordinator.get("/api/v1/jobs/nope-123456");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getJsonArray("details").getList()).containsExactly("no job with id nope-123456");
    assertThat(coordinator.get("/api/v1/nothing-here").statusCode()).isEqualTo(404);
    assertThat(new JsonObject(coordinator.get("/api/v1/nothing-here").body()).getString("error")).isEqualTo("not found");
  }

  @Test
  void unitsComeAPageAtATimeInTheOrderOfTheWholeList() throws Exception {
    String id = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("pages", null)).body()).getString("id");
    List<String> all = ids(new JsonObject(conforming("listUnits", coordinator.get("/api/v1/jobs/" + id + "/units")).body()));
    assertThat(all).hasSize(10);
    List<String> paged = new java.util.ArrayList<>();
    String next = "/api/v1/jobs/" + id + "/units?limit=3";
    int pages = 0;
    while (next != null) {
      JsonObject page = new JsonObject(conforming("listUnits", coordinator.get(next)).body());
      assertThat(page.getJsonArray("units").size()).isBetween(1, 3);
      paged.addAll(ids(page));
      next = page.getString("next");
      pages++;
    }
    assertThat(paged).isEqualTo(all);
    assertThat(pages).isEqualTo(4);
    JsonObject blocked = new JsonObject(coordinator.get("/api/v1/jobs/" + id + "/units?state=blocked&kind=copy&limit=2").body());
    assertThat(ids(blocked)).containsExactly("copy:a:public.orders:0000", "copy:a:public.orders:0001");
    assertThat(blocked.getString("next")).isEqualTo("/api/v1/jobs/" + id
        + "/units?state=blocked&kind=copy&limit=2&after=copy%3Aa%3Apublic.orders%3A0001");
    assertThat(ids(new JsonObject(coordinator.get(blocked.getString("next")).body()))).containsExactly("copy:b:public.orders:0000");
  }

  @Test
  void aBadUnitsQueryListsEveryProblem() throws Exception {
    String id = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("badquery", null)).body()).getString("id");
    HttpResponse<String> bad = conforming("listUnits",
        coordinator.get("/api/v1/jobs/" + id + "/units?state=stuck&kind=copies&limit=0&after=copy:z:nowhere:0000"));
    assertThat(bad.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(bad.body());
    assertThat(error.getString("error")).isEqualTo("invalid units query");
    assertThat(error.getJsonArray("details").getList()).containsExactly(
        "state: 'stuck' is not one of blocked, pending, leased, done, failed",
        "kind: 'copies' is not one of survey, prepare, copy, finish, verify, rollback, repair, restore",
        "limit: a whole number from 1 to 10000, not '0'",
        "after: 'copy:z:nowhere:0000' is not a unit of job " + id + " (give the id of the last unit of the previous page)");
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("units").stream().map(u -> ((JsonObject) u).getString("id")).toList();
  }

  @Test
  void healthReadyAndDashboardAreServed() throws Exception {
    assertThat(coordinator.get("/health").body()).isEqualTo("{\"status\":\"up\"}");
    assertThat(coordinator.get("/ready").statusCode()).isEqualTo(200);
    HttpResponse<String> page = coordinator.get("/");
    assertThat(page.body()).contains("<title>Ferry</title>", "src=\"/ui/app.js\"");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'none'", "script-src 'self';", "connect-src 'self'"));
    for (String file : List.of("app.js", "api.js", "format.js", "grid.js", "chart.js", "job.js", "jobs.js", "submit.js", "workers.js")) {
      HttpResponse<String> script = coordinator.get("/ui/" + file);
      assertThat(script.statusCode()).as(file).isEqualTo(200);
      assertThat(script.headers().firstValue("Content-Type")).as(file).hasValueSatisfying(ct -> assertThat(ct).contains("javascript"));
    }
    assertThat(coordinator.get("/ui/style.css").headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).contains("text/css"));
    assertThat(coordinator.get("/ui/nothing.js").statusCode()).isEqualTo(404);
  }

  /**
   * The event stream: every job's summary and the workers at once, with {@code job} the cells of its tenant × table
   * grid (one per tenant and table), each as one line of JSON; an unknown job is a 404. And the job's rejected rows.
   */
  @Test
  void theEventStreamSendsJobsWorkersAndTheGridOfAJob() throws Exception {
    String id = new JsonObject(coordinator.post("/api/v1/jobs", "application/json", spec("events", null)).body()).getString("id");
    coordinator.request(Addresses.HEARTBEAT, new Heartbeat("w-events", "localhost", 1, 8, List.of(), 0, 0, 0), HeartbeatReply.class);
    conforming("events", coordinator.get("/api/v1/events?job=nope"));
    assertThat(coordinator.get("/api/v1/events?job=nope").statusCode()).isEqualTo(404);

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + coordinator.verticle.actualHttpPort() + "/api/v1/events?job=" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    Map<String, JsonObject> events = new java.util.HashMap<>();
    try (java.util.stream.Stream<String> lines = stream.body()) {
      var it = lines.iterator();
      String event = null;
      while (it.hasNext() && !(events.containsKey("job:" + id) && events.containsKey("workers") && events.containsKey("progress"))) {
        String line = it.next();
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonObject data = new JsonObject(line.substring(6));
          events.put(event.equals("job") ? "job:" + data.getString("id") : event, data);
        }
      }
    }
    assertThat(events.get("job:" + id).getString("state")).isEqualTo("running");
    assertThat(events.get("workers").getJsonArray("workers").stream().map(w -> ((JsonObject) w).getString("id"))).contains("w-events");
    JsonArray cells = events.get("progress").getJsonArray("cells");
    assertThat(cells.stream().map(c -> ((JsonObject) c).getString("tenant") + " " + ((JsonObject) c).getString("table")))
        .containsExactlyInAnyOrder("a public.orders", "b public.orders");
    assertThat(cells.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("tenant", "table", "rowsDone", "rowsRejected",
        "rowsEstimated", "unitsDone", "unitsTotal", "state");

    HttpResponse<String> rejects = conforming("listRejects", coordinator.get("/api/v1/jobs/" + id + "/rejects?tenant=a"));
    assertThat(new JsonObject(rejects.body()).getJsonArray("rejects")).isEmpty();
    assertThat(conforming("listRejects", coordinator.get("/api/v1/jobs/" + id + "/rejects?limit=0")).statusCode()).isEqualTo(400);
  }
}
