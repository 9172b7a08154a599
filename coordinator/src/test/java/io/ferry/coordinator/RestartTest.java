package io.ferry.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.http.FakeWorker;
import io.ferry.protocol.Addresses;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.UnitResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A coordinator restart rebuilds job and unit state from the target database and carries on. */
class RestartTest {

  private static String database;
  private static Vertx vertx;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = TestDatabases.create("ferry_restart");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    RunningCoordinator.await(vertx.close());
    TestDatabases.drop(database);
  }

  private static String spec(String name, String tenantPassword) {
    return new JsonObject().put("name", name).put("mode", "create").put("unit", new JsonObject().put("rows", 10_000))
        .put("source", new JsonObject().put("engine", "postgresql").put("tenants", new JsonArray()
            .add(new JsonObject().put("id", "a").put("url", "jdbc:postgresql://127.0.0.1:5432/a").put("user", "postgres")
                .put("password", tenantPassword))))
        .put("target", new JsonObject().put("engine", "postgresql").put("url", TestDatabases.url(database)).put("user", TestDatabases.USER))
        .encode();
  }

  @Test
  void aRestartedCoordinatorReloadsJobsKeepsLiveLeasesAndTrustsDoneCheckpoints() throws Exception {
    Path stateDir = Files.createTempDirectory("ferry-restart");
    CoordinatorOptions options = CoordinatorOptions.defaults().withStateDir(stateDir);
    FakeWorker worker = new FakeWorker().answerWith(List.of(Fixtures.plan("a", "public.t", 30_000, 300, Fixtures.quantiles(100, 10))));
    worker.register(vertx);
    String resumable;
    String literal;
    try (RunningCoordinator first = RunningCoordinator.start(vertx, options)) {
      resumable = new JsonObject(first.post("/api/v1/jobs", "application/json", spec("resumable", "${env:FERRY_TEST_NOT_SET}")).body()).getString("id");
      literal = new JsonObject(first.post("/api/v1/jobs", "application/json", spec("literal", "a-literal-password")).body()).getString("id");
      Assignment prepare = claimOf(first, resumable, 1).get(0);
      first.request(Addresses.RESULT, ok(prepare), String.class);
      List<Assignment> copies = claimOf(first, resumable, 4);
      assertThat(copies).hasSize(3);
      // The worker of copy 0 committed its last chunk, but its result never reached the coordinator.
      try (Connection c = TestDatabases.connect(database)) {
        c.createStatement().execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done)"
            + " VALUES ('" + resumable + "', '" + copies.get(0).unit().id() + "', 1, null, 10000, 100, 1, true)");
      }
      awaitUnitsRecorded(resumable, "leased", 3);
    }

    try (RunningCoordinator second = RunningCoordinator.start(vertx, options.withApiToken("t0ken"))) {
      assertThat(second.get("/api/v1/jobs/" + resumable).statusCode()).as("token required").isEqualTo(401);
      assertThat(second.get("/health").statusCode()).isEqualTo(200);
      JsonObject status = new JsonObject(second.get("/api/v1/jobs/" + resumable, "t0ken").body());
      assertThat(status.getString("state")).isEqualTo("running");
      assertThat(status.getJsonObject("units").getLong("done")).isEqualTo(2);
      assertThat(status.getJsonObject("units").getLong("leased")).isEqualTo(2);
      assertThat(status.getJsonObject("rows").getLong("done")).isEqualTo(10_000);

      HeartbeatReply reply = second.request(Addresses.HEARTBEAT, new Heartbeat("w1", "h", 1, 4,
          List.of("copy:a:public.t:0001", "copy:a:public.t:0002"), 0, 0, 0), HeartbeatReply.class);
      assertThat(reply.lostUnits()).isEmpty();

      JsonObject paused = new JsonObject(second.get("/api/v1/jobs/" + literal, "t0ken").body());
      assertThat(paused.getString("state")).isEqualTo("paused");
      assertThat(paused.getString("error")).contains("resubmit");
      worker.unregister();
    }
  }

  private static List<Assignment> claimOf(RunningCoordinator c, String jobId, int slots) throws Exception {
    return c.request(Addresses.CLAIM, new ClaimRequest("w1", slots), ClaimReply.class).assignments().stream()
        .filter(a -> a.unit().jobId().equals(jobId)).toList();
  }

  private static UnitResult ok(Assignment a) {
    return new UnitResult(a.unit().jobId(), a.unit().id(), a.unit().epoch(), "w1", true, 0, 0, null, false);
  }

  private static void awaitUnitsRecorded(String jobId, String state, int count) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    while (true) {
      try (Connection c = TestDatabases.connect(database);
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
