package io.ferry.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.ferry.coordinator.http.FakeWorker;
import io.ferry.protocol.Addresses;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.UnitResult;
import io.ferry.testsupport.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A coordinator restart rebuilds job and unit state from the target database and carries on. */
class RestartTest {

  private static final String LIVE = "worker-still-in-the-cluster";
  private static final String GONE = "worker-that-left";
  private static final TestPostgres PG = new TestPostgres();
  private static String database;
  private static Vertx vertx;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = PG.createDatabase("restart");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    RunningCoordinator.await(vertx.close());
    PG.close();
  }

  private static String spec(String name, String tenantPassword) {
    return new JsonObject().put("name", name).put("mode", "create").put("unit", new JsonObject().put("rows", 10_000))
        .put("source", new JsonObject().put("engine", "postgresql").put("tenants", new JsonArray()
            .add(new JsonObject().put("id", "a").put("url", "jdbc:postgresql://127.0.0.1:5432/a").put("user", "postgres")
                .put("password", tenantPassword))))
        .put("target", new JsonObject().put("engine", "postgresql").put("url", PG.url(database)).put("user", PG.user()))
        .encode();
  }

  @Test
  void aRestartedCoordinatorReloadsJobsKeepsLiveLeasesRequeuesTheOthersAndTrustsDoneCheckpoints() throws Exception {
    Path stateDir = Files.createTempDirectory("ferry-restart");
    CoordinatorOptions options = CoordinatorOptions.defaults().withStateDir(stateDir);
    FakeWorker worker = new FakeWorker().answerWith(
        spec -> List.of(Fixtures.plan("a", "public.t_" + spec.name(), 40_000, 400, Fixtures.quantiles(100, 10))));
    worker.register(vertx);
    String resumable;
    String literal;
    String paused;
    String cancelled;
    List<Assignment> live;
    List<Assignment> gone;
    try (RunningCoordinator first = RunningCoordinator.start(vertx, options)) {
      resumable = submit(first, "resumable", "${env:FERRY_TEST_NOT_SET}");
      first.request(Addresses.RESULT, ok(claimOf(first, resumable, 1, GONE).get(0), GONE), String.class);
      live = claimOf(first, resumable, 2, LIVE);
      gone = claimOf(first, resumable, 2, GONE);
      assertThat(live).hasSize(2);
      assertThat(gone).hasSize(2);
      // Submitted after the claims above, so that their prepare units (handed out first) do not take those slots.
      literal = submit(first, "literal", "a-literal-password");
      paused = submit(first, "paused", null);
      cancelled = submit(first, "cancelled", null);
      // The worker of one copy committed its last chunk, but its result never reached the coordinator.
      try (Connection c = PG.connect(database)) {
        c.createStatement().execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done)"
            + " VALUES ('" + resumable + "', '" + gone.get(0).unit().id() + "', 1, null, 10000, 100, 1, true)");
        // Another was taken over under an epoch newer than the one recorded (as after the target server lost
        // the record of a lease, which is written without waiting for its WAL flush).
        c.createStatement().execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done)"
            + " VALUES ('" + resumable + "', '" + gone.get(1).unit().id() + "', " + (gone.get(1).unit().lease().epoch() + 3)
            + ", null, 0, 0, 0, false)");
      }
      assertThat(first.post("/api/v1/jobs/" + paused + "/pause", "application/json", "").statusCode()).isEqualTo(200);
      assertThat(first.post("/api/v1/jobs/" + cancelled + "/cancel", "application/json", "").statusCode()).isEqualTo(200);
      awaitUnitsRecorded(resumable, "leased", 4);
    }

    AtomicReference<HazelcastInstance> liveMember = new AtomicReference<>();
    try (RunningCoordinator second = RunningCoordinator.start(vertx, options.withApiToken("t0ken"),
        hz -> liveMember.set(TestHazelcast.liteMember(hz, LIVE)))) {
      assertThat(second.get("/api/v1/jobs/" + resumable).statusCode()).as("token required").isEqualTo(401);
      assertThat(second.get("/health").statusCode()).isEqualTo(200);
      JsonObject status = new JsonObject(second.get("/api/v1/jobs/" + resumable, "t0ken").body());
      assertThat(status.getString("state")).isEqualTo("running");
      assertThat(status.getJsonObject("units").getLong("done")).isEqualTo(2);
      assertThat(status.getJsonObject("units").getLong("leased")).as("the live member's leases are kept").isEqualTo(2);
      assertThat(status.getJsonObject("units").getLong("pending")).as("the departed worker's lease is back at once").isEqualTo(1);
      assertThat(status.getJsonObject("rows").getLong("done")).isEqualTo(10_000);

      HeartbeatReply reply = second.request(Addresses.HEARTBEAT, new Heartbeat(LIVE, "h", 1, 4,
          live.stream().map(a -> resumable + "/" + a.unit().id()).toList(), 0, 0, 0), HeartbeatReply.class);
      assertThat(reply.lostUnits()).isEmpty();
      assertThat(reply.stopUnits()).isEmpty();
      List<Assignment> again = claimOf(second, resumable, 4, "another-worker");
      assertThat(again).singleElement().satisfies(a -> {
        assertThat(a.unit().id()).isEqualTo(gone.get(1).unit().id());
        assertThat(a.unit().lease().epoch()).as("newer than its checkpoint's, which a worker may hold")
            .isEqualTo(gone.get(1).unit().lease().epoch() + 4);
      });

      JsonObject lost = new JsonObject(second.get("/api/v1/jobs/" + literal, "t0ken").body());
      assertThat(lost.getString("state")).isEqualTo("paused");
      assertThat(lost.getString("error")).contains("resubmit");
      assertThat(second.post("/api/v1/jobs/" + literal + "/resume", "t0ken").statusCode()).isEqualTo(409);

      assertThat(new JsonObject(second.get("/api/v1/jobs/" + paused, "t0ken").body()).getString("state")).isEqualTo("paused");
      assertThat(new JsonObject(second.get("/api/v1/jobs/" + cancelled, "t0ken").body()).getString("state")).isEqualTo("cancelled");
      assertThat(claimOf(second, paused, 4, "another-worker")).isEmpty();
      assertThat(claimOf(second, cancelled, 4, "another-worker")).isEmpty();
      HttpResult resumed = HttpResult.of(second.post("/api/v1/jobs/" + paused + "/resume", "t0ken"));
      assertThat(resumed.status()).as(resumed.body().encode()).isEqualTo(200);
      assertThat(resumed.body().getString("state")).isEqualTo("running");
      assertThat(claimOf(second, paused, 4, "another-worker")).as("its prepare").hasSize(1);
      worker.unregister();
    } finally {
      if (liveMember.get() != null) {
        liveMember.get().shutdown();
      }
    }
  }

  private record HttpResult(int status, JsonObject body) {
    static HttpResult of(java.net.http.HttpResponse<String> r) {
      return new HttpResult(r.statusCode(), new JsonObject(r.body()));
    }
  }

  private static String submit(RunningCoordinator c, String name, String tenantPassword) throws Exception {
    var response = c.post("/api/v1/jobs", "application/json", spec(name, tenantPassword));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body()).getString("id");
  }

  private static List<Assignment> claimOf(RunningCoordinator c, String jobId, int slots, String workerId) throws Exception {
    List<Assignment> all = c.request(Addresses.CLAIM, new ClaimRequest(workerId, slots), ClaimReply.class).assignments();
    // Units of other jobs of this test are handed straight back, as a stopping worker would.
    for (Assignment a : all) {
      if (!a.unit().jobId().equals(jobId)) {
        c.request(Addresses.RESULT, new UnitResult(a.unit().jobId(), a.unit().id(), a.unit().lease().epoch(), workerId, false, 0, 0,
            "worker stopping", true), String.class);
      }
    }
    return all.stream().filter(a -> a.unit().jobId().equals(jobId)).toList();
  }

  private static UnitResult ok(Assignment a, String workerId) {
    return new UnitResult(a.unit().jobId(), a.unit().id(), a.unit().lease().epoch(), workerId, true, 0, 0, null, false);
  }

  private static void awaitUnitsRecorded(String jobId, String state, int count) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    while (true) {
      try (Connection c = PG.connect(database);
           ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM ferry.units WHERE job_id = '" + jobId
               + "' AND body LIKE '%\"state\":\"" + state + "\"%'")) {
        rs.next();
        if (rs.getInt(1) == count) {
          return;
        }
      }
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
