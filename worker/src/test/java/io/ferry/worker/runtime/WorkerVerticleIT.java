package io.ferry.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.PreflightRequest;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.verify.TableChecksum;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker verticle on a real (local) event bus, against a fake coordinator and real databases. */
class WorkerVerticleIT {

  private static final String JOB = "job-verticle-it";
  private static final TestPostgres DBS = new TestPostgres();
  private static final int ROWS = 5000;
  private static String sourceUrl;
  private static String targetUrl;
  private Vertx vertx;
  private FakeCoordinator coordinator;

  @BeforeAll
  static void databases() throws Exception {
    sourceUrl = DBS.create("wv_src");
    targetUrl = DBS.create("wv_tgt");
    try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE items (id bigint PRIMARY KEY, v text)");
      st.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, " + ROWS + ") g");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    coordinator = new FakeCoordinator(vertx);
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not reached in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** A preflight over the event bus, as the coordinator asks it, for a target schema of its own. */
  private TablePlan preflight(String schema) throws Exception {
    JobSpec spec = new JobSpec(JOB, new SourceSpec("postgresql", List.of(new TenantSpec("t1", sourceUrl, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), schema, "tenant_id"),
        new TableSelection(List.of("public.items"), List.of()), Mode.CREATE, null);
    var reply = await(vertx.eventBus().<String>request(Addresses.PREFLIGHT, Json.encode(new PreflightRequest(spec))));
    PreflightReply plans = Json.decode(reply.body(), PreflightReply.class);
    assertThat(plans.problems()).isEmpty();
    return plans.plans().get(0);
  }

  /** Surveys {@code schema}'s table and has the worker run its prepare unit (the claim hint is sent: a claim tick may be a minute away). */
  private TablePlan prepared(String schema) throws Exception {
    TablePlan plan = preflight(schema);
    coordinator.pending.add(Units.statements("prepare-" + plan.targetTable(), JOB, UnitKind.PREPARE, plan, plan.ddl().prepare(),
        DBS.connection(sourceUrl), DBS.connection(targetUrl)));
    vertx.eventBus().publish(Addresses.UNITS_READY, "");
    eventually(() -> coordinator.result("prepare-" + plan.targetTable()) != null);
    return plan;
  }

  private String deployWorker() throws Exception {
    return await(vertx.deployVerticle(new WorkerVerticle(new WorkerOptions("worker-1", 2, 100, 50))));
  }

  @Test
  void waitsForACoordinatorThenClaimsRunsAndReportsUnits() throws Exception {
    deployWorker();
    TablePlan plan = preflight("v1");
    Thread.sleep(300); // no coordinator yet: claims fail quietly and keep coming
    await(coordinator.start());

    coordinator.pending.add(Units.statements("prepare-" + plan.targetTable(), JOB, UnitKind.PREPARE, plan, plan.ddl().prepare(),
        DBS.connection(sourceUrl), DBS.connection(targetUrl)));
    eventually(() -> coordinator.result("prepare-" + plan.targetTable()) != null);
    assertThat(coordinator.result("prepare-" + plan.targetTable()).ok()).isTrue();
    List<KeyRange> ranges = Units.ranges(plan.split().quantiles(), 4);
    for (int i = 0; i < ranges.size(); i++) {
      coordinator.pending.add(Units.copy("copy-" + i, JOB, plan, ranges.get(i), 1, DBS.connection(sourceUrl),
          DBS.connection(targetUrl), "tenant_id", 500));
    }
    eventually(() -> coordinator.results.size() == 1 + ranges.size());

    assertThat(coordinator.results).allMatch(UnitResult::ok).allMatch(r -> r.workerId().equals("worker-1"));
    assertThat(coordinator.results.stream().mapToLong(UnitResult::rows).sum()).isEqualTo(ROWS);
    assertThat(coordinator.progress).isNotEmpty();
    // The last chunk of a unit is told by its result alone (a unit whose rows end exactly at a chunk
    // boundary commits an empty last chunk, after a progress message with its total).
    for (UnitResult r : coordinator.results) {
      if (r.rows() % 500 != 0) {
        assertThat(coordinator.progress).filteredOn(p -> p.unitId().equals(r.unitId()))
            .allMatch(p -> p.rows() < r.rows());
      }
    }
    assertThat(coordinator.claims).allMatch(c -> c.slots() >= 1 && c.slots() <= 2);
    assertThat(coordinator.maxClaimsInFlight.get()).isEqualTo(1);
    eventually(() -> !coordinator.heartbeats.isEmpty());
    assertThat(coordinator.heartbeats.get(0).maxUnits()).isEqualTo(2);
    assertThat(coordinator.heartbeats.get(0).pid()).isEqualTo(ProcessHandle.current().pid());
    List<String> columns = plan.columns().stream().map(ColumnPlan::name).toList();
    try (Connection s = DBS.open(sourceUrl); Connection t = DBS.open(targetUrl)) {
      assertThat(TableChecksum.compute(t, "v1.items", columns, "tenant_id", "t1"))
          .isEqualTo(TableChecksum.compute(s, "public.items", columns, null, null));
    }
  }

  /**
   * The health port answers before a worker is there (alive, not ready), is ready with one, and its metrics
   * record the time the copy units spend reading the source and writing the target.
   */
  @Test
  void theHealthPortIsReadyWithAWorkerAndItsMetricsTimeSourceReadsAndTargetWrites() throws Exception {
    await(coordinator.start());
    WorkerEndpoint endpoint = await(WorkerEndpoint.start(vertx, "127.0.0.1", 0));
    int port = endpoint.actualPort();
    assertThat(get(port, "/ready").statusCode()).isEqualTo(503);
    assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    WorkerVerticle worker = new WorkerVerticle(new WorkerOptions("worker-1", 2, 100, 50));
    await(vertx.deployVerticle(worker));
    endpoint.serve(worker);
    assertThat(get(port, "/ready").statusCode()).isEqualTo(200);
    TablePlan plan = prepared("v10");
    List<KeyRange> ranges = Units.ranges(plan.split().quantiles(), 2);
    for (int i = 0; i < ranges.size(); i++) {
      coordinator.pending.add(Units.copy("v10-" + i, JOB, plan, ranges.get(i), 1, DBS.connection(sourceUrl),
          DBS.connection(targetUrl), "tenant_id", 1000));
    }
    eventually(() -> IntStream.range(0, ranges.size()).allMatch(i -> coordinator.result("v10-" + i) != null));
    String text = get(port, "/metrics").body();
    assertThat(sample(text, "ferry_worker_source_read_seconds_count")).as(text).isGreaterThan(0);
    assertThat(sample(text, "ferry_worker_source_read_seconds_sum")).isGreaterThan(0);
    assertThat(sample(text, "ferry_worker_target_write_seconds_count")).isGreaterThan(0);
    assertThat(sample(text, "ferry_worker_target_write_seconds_sum")).isGreaterThan(0);
  }

  private static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the first Prometheus sample named {@code name}. */
  private static double sample(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(-1.0);
  }

  /**
   * Two units end together while one claim is in flight: the slot freed second is refilled as soon as
   * that claim is answered, not at the next claim tick (here a minute away). Units A and B wait on a
   * lock of their target table, C and D on another; when A and B are let go, C and D must both start.
   */
  @Test
  void aSlotFreedWhileAClaimIsInFlightIsRefilledWithoutWaitingForTheClaimTick() throws Exception {
    await(coordinator.start());
    TablePlan first = directPreflight("v5a");
    TablePlan second = directPreflight("v5b");
    UnitExecutor direct = new UnitExecutor();
    for (TablePlan p : List.of(first, second)) {
      assertThat(direct.execute(Units.statements("prepare-" + p.targetTable(), JOB, UnitKind.PREPARE, p, p.ddl().prepare(),
          DBS.connection(sourceUrl), DBS.connection(targetUrl)), new UnitControl(), ProgressListener.NONE).ok()).isTrue();
    }
    List<KeyRange> ranges = Units.ranges(first.split().quantiles(), 2);
    try (Connection gateA = DBS.open(targetUrl); Connection gateB = DBS.open(targetUrl)) {
      gateA.setAutoCommit(false);
      gateA.createStatement().execute("LOCK TABLE v5a.items IN SHARE MODE");
      gateB.setAutoCommit(false);
      gateB.createStatement().execute("LOCK TABLE v5b.items IN SHARE MODE");
      for (String id : List.of("a", "b")) {
        coordinator.pending.add(Units.copy(id, JOB, first, ranges.get(id.equals("a") ? 0 : 1), 1, DBS.connection(sourceUrl),
            DBS.connection(targetUrl), "tenant_id", 10_000));
      }
      for (String id : List.of("c", "d")) {
        coordinator.pending.add(Units.copy(id, JOB, second, ranges.get(id.equals("c") ? 0 : 1), 1, DBS.connection(sourceUrl),
            DBS.connection(targetUrl), "tenant_id", 10_000));
      }
      await(vertx.deployVerticle(new WorkerVerticle(new WorkerOptions("worker-1", 2, 100, 60_000))));
      eventually(() -> !coordinator.heartbeats.isEmpty()
          && coordinator.heartbeats.getLast().activeUnits().containsAll(List.of(JOB + "/a", JOB + "/b")));

      gateA.commit();
      eventually(() -> coordinator.result("a") != null && coordinator.result("b") != null);
      eventually(() -> coordinator.heartbeats.getLast().activeUnits().containsAll(List.of(JOB + "/c", JOB + "/d")));
      gateB.commit();
    }
    eventually(() -> coordinator.results.size() == 4);
    assertThat(coordinator.results).allMatch(UnitResult::ok);
    assertThat(coordinator.results.stream().mapToLong(UnitResult::rows).sum()).isEqualTo(2L * ROWS);
  }

  /**
   * With one slot, the first unit (estimated at one row, so its end looks near from its first write) has
   * its successor claimed while it runs. The successor waits, its lease renewed by heartbeats, and starts
   * only once the first has ended. The first is held mid-way by a lock on its checkpoint row.
   */
  @Test
  void aUnitEndingSoonHasItsSuccessorClaimedWhichWaitsForTheSlot() throws Exception {
    await(coordinator.start());
    deployOneSlotWorker();
    String schema = "v6";
    try (Connection gate = successorWaiting(schema)) {
      Thread.sleep(300);
      assertThat(coordinator.progress).noneMatch(p -> p.unitId().equals(second(schema)));
      assertThat(coordinator.result(second(schema))).as("claimed but not started: one slot").isNull();
      gate.commit();
    }
    eventually(() -> coordinator.result(first(schema)) != null && coordinator.result(second(schema)) != null);
    assertThat(coordinator.results).allMatch(UnitResult::ok);
    assertThat(coordinator.result(first(schema)).rows() + coordinator.result(second(schema)).rows()).isEqualTo(ROWS);
    assertThat(coordinator.claims).allMatch(c -> c.slots() == 1);
  }

  /**
   * A unit estimated below one write buffer is small: from its start it wants several successors, so a
   * one-slot worker whose units have shown they are short claims several while it runs (as many as it can
   * start within a second, at most eight; they wait, their leases renewed) and leaves the rest to the queue.
   * The small unit is held mid-way by a lock on its checkpoint row.
   */
  @Test
  void aSmallUnitHasSeveralSuccessorsClaimedWhileItRuns() throws Exception {
    await(coordinator.start());
    deployOneSlotWorker();
    TablePlan plan = prepared("v9");
    int successors = UnitControl.SMALL_UNIT_SUCCESSORS;
    int units = successors + 2;
    int warmUps = 3;
    List<KeyRange> all = Units.ranges(plan.split().quantiles(), warmUps + units);
    assertThat(all).hasSize(warmUps + units);
    // A few small units first: a worker holds many successors only once its units have shown they are short.
    // The claim that asks for several may be sent as the warm-ups end, before the units below are queued.
    int claimsBefore = coordinator.claims.size();
    for (int i = 0; i < warmUps; i++) {
      coordinator.pending.add(estimatedBytes(1_000, Units.copy("v9w-" + i, JOB, plan, all.get(i), 1, DBS.connection(sourceUrl),
          DBS.connection(targetUrl), "tenant_id", 5000)));
    }
    vertx.eventBus().publish(Addresses.UNITS_READY, "");
    eventually(() -> IntStream.range(0, warmUps).allMatch(i -> coordinator.result("v9w-" + i) != null));
    List<KeyRange> ranges = all.subList(warmUps, all.size());
    // The target table locked before the units are queued: the first unit's COPY waits however fast the
    // machine is, so what the worker claims while it runs is seen before anything else can end.
    try (Connection gate = DBS.open(targetUrl)) {
      gate.setAutoCommit(false);
      try (var lock = gate.createStatement()) {
        lock.execute("LOCK TABLE v9.items IN SHARE MODE");
      }
      for (int i = 0; i < ranges.size(); i++) {
        Assignment copy = Units.copy("v9-" + i, JOB, plan, ranges.get(i), 1, DBS.connection(sourceUrl),
            DBS.connection(targetUrl), "tenant_id", 5);
        coordinator.pending.add(i == 0 ? estimatedBytes(1_000, copy) : copy);
      }
      vertx.eventBus().publish(Addresses.UNITS_READY, "");
      // As many as the slot can start within a second at the warm-ups' pace, at most eight: several on any machine.
      // The small unit's successors claimed, the rest left to the queue. Checked together, as they settle:
      // a heartbeat names what the worker holds only after its last claim is answered.
      eventually(() -> {
        if (coordinator.heartbeats.isEmpty()) {
          return false;
        }
        Heartbeat last = coordinator.heartbeats.getLast();
        int named = last.heldUnits().size();
        return last.activeUnits().contains(JOB + "/v9-0") && named >= 2 && coordinator.pending.size() == units - 1 - named;
      });
      int held = coordinator.heartbeats.getLast().heldUnits().size();
      assertThat(held).isLessThanOrEqualTo(successors);
      assertThat(coordinator.heartbeats.getLast().activeUnits()).contains(JOB + "/v9-0", JOB + "/v9-1");
      assertThat(coordinator.claims.stream().skip(claimsBefore).toList()).allMatch(c -> c.slots() <= successors)
          .anyMatch(c -> c.slots() >= 2);
      assertThat(coordinator.result("v9-0")).as("waiting for the table lock").isNull();
      assertThat(coordinator.result("v9-1")).as("claimed but not started: one slot").isNull();
      gate.commit();
    }
    eventually(() -> IntStream.range(0, units).allMatch(i -> coordinator.result("v9-" + i) != null));
    assertThat(coordinator.results).allMatch(UnitResult::ok);
    assertThat(coordinator.results.stream().filter(r -> r.unitId().startsWith("v9")).mapToLong(UnitResult::rows).sum())
        .isEqualTo(ROWS);
  }

  /**
   * Small units that a rate limit stretches to 600 ms each: a two-slot worker holds no more successors
   * than its slots can start within a second (today's median unit time), not eight per unit, and names
   * them apart in its heartbeats so that the coordinator counts them as pending.
   */
  @Test
  void rateLimitedSmallUnitsHoldOnlyTheSuccessorsTheSlotsCanStartSoon() throws Exception {
    coordinator.permitWaitMillis = 600;
    await(coordinator.start());
    deployWorker();
    TablePlan plan = prepared("v11");
    int units = 12;
    List<KeyRange> ranges = Units.ranges(plan.split().quantiles(), units);
    for (int i = 0; i < ranges.size(); i++) {
      coordinator.pending.add(estimatedBytes(1_000, Units.copy("v11-" + i, JOB, plan, ranges.get(i), 1,
          DBS.connection(sourceUrl), DBS.connection(targetUrl), "tenant_id", 5000)));
    }
    int beatsBefore = coordinator.heartbeats.size();
    vertx.eventBus().publish(Addresses.UNITS_READY, "");
    eventually(() -> IntStream.range(0, units).allMatch(i -> coordinator.result("v11-" + i) != null));
    assertThat(coordinator.results).allMatch(UnitResult::ok);
    var beats = coordinator.heartbeats.stream().skip(beatsBefore).toList();
    assertThat(beats).as("2 running + at most 1 s of 600 ms units for 2 slots held")
        .allSatisfy(b -> assertThat(b.activeUnits().size()).isLessThanOrEqualTo(5));
    assertThat(beats).anySatisfy(b -> assertThat(b.heldUnits()).isNotEmpty())
        .allSatisfy(b -> assertThat(b.activeUnits()).containsAll(b.heldUnits()));
  }

  @Test
  void stoppingHandsAWaitingSuccessorBackUnstarted() throws Exception {
    await(coordinator.start());
    String deployment = deployOneSlotWorker();
    Future<Void> stopped;
    String schema = "v7";
    try (Connection gate = successorWaiting(schema)) {
      stopped = vertx.undeploy(deployment);
      eventually(() -> coordinator.result(second(schema)) != null);
      gate.commit();
    }
    await(stopped);
    UnitResult second = coordinator.result(second(schema));
    assertThat(second.ok()).isFalse();
    assertThat(second.retryable()).isTrue();
    assertThat(second.error()).isEqualTo("worker stopping");
    assertThat(second.rows()).isZero();
    assertThat(coordinator.result(first(schema)).retryable()).as("stopped at its next chunk").isTrue();
  }

  /** A worker stopped while a claim is in flight waits for its answer and hands the claimed unit back unstarted. */
  @Test
  void stoppingWhileAClaimIsInFlightHandsTheClaimedUnitBack() throws Exception {
    String deployment = deployWorker();
    TablePlan plan = preflight("v12");
    coordinator.claimDelayMillis = 600;
    coordinator.pending.add(Units.copy("v12-0", JOB, plan, KeyRange.ALL, 1, DBS.connection(sourceUrl), DBS.connection(targetUrl),
        "tenant_id", 500));
    await(coordinator.start());
    eventually(() -> !coordinator.claims.isEmpty());
    await(vertx.undeploy(deployment));
    UnitResult handedBack = coordinator.result("v12-0");
    assertThat(handedBack).as("reported before the stop completed").isNotNull();
    assertThat(handedBack.ok()).isFalse();
    assertThat(handedBack.retryable()).isTrue();
    assertThat(handedBack.error()).isEqualTo("worker stopping");
  }

  /** Unit ids of their own per test: the checkpoints of one test's units would refuse the next test's epoch 1. */
  private static String first(String schema) {
    return schema + "-first";
  }

  private static String second(String schema) {
    return schema + "-second";
  }

  private String deployOneSlotWorker() throws Exception {
    return await(vertx.deployVerticle(new WorkerVerticle(new WorkerOptions("worker-1", 1, 100, 60_000))));
  }

  /**
   * Runs the first unit (small chunks, estimated at one row) and queues the second; returns once the first is
   * held by a lock on its checkpoint row (the returned connection's transaction) and the second is claimed and
   * named in a heartbeat.
   */
  private Connection successorWaiting(String schema) throws Exception {
    TablePlan plan = prepared(schema);
    List<KeyRange> ranges = Units.ranges(plan.split().quantiles(), 2);
    coordinator.pending.add(estimatedAt(1, Units.copy(first(schema), JOB, plan, ranges.get(0), 1, DBS.connection(sourceUrl),
        DBS.connection(targetUrl), "tenant_id", 5)));
    coordinator.pending.add(Units.copy(second(schema), JOB, plan, ranges.get(1), 1, DBS.connection(sourceUrl), DBS.connection(targetUrl),
        "tenant_id", 5));
    vertx.eventBus().publish(Addresses.UNITS_READY, "");
    eventually(() -> coordinator.progress.stream().anyMatch(p -> p.unitId().equals(first(schema))));
    Connection gate = DBS.open(targetUrl);
    gate.setAutoCommit(false);
    try (PreparedStatement lock = gate.prepareStatement(
        "SELECT 1 FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ? FOR UPDATE")) {
      lock.setString(1, JOB);
      lock.setString(2, first(schema));
      lock.executeQuery().close();
    }
    eventually(() -> coordinator.pending.isEmpty() && coordinator.heartbeats.getLast().activeUnits()
        .containsAll(List.of(JOB + "/" + first(schema), JOB + "/" + second(schema))));
    assertThat(coordinator.result(first(schema))).isNull();
    return gate;
  }

  private static Assignment estimatedAt(long rows, Assignment a) {
    return estimated(rows, a.unit().slice().estimatedBytes(), a);
  }

  private static Assignment estimatedBytes(long bytes, Assignment a) {
    return estimated(a.unit().slice().estimatedRows(), bytes, a);
  }

  private static Assignment estimated(long rows, long bytes, Assignment a) {
    WorkUnit u = a.unit();
    Slice s = u.slice();
    WorkUnit estimated = new WorkUnit(u.id(), u.jobId(), u.kind(),
        new Slice(s.tenantId(), s.table(), s.sourceTable(), s.range(), rows, bytes), u.state(), u.lease(), u.progress());
    return new Assignment(estimated, a.plan(), a.source(), a.target(), a.tenantColumn(), a.statements(), a.chunkRows(),
        a.chunkBytes(), a.mode(), a.copyUnits(), a.onRowError());
  }

  /** The plan for a target schema of its own, surveyed in this JVM (no worker needed). */
  private TablePlan directPreflight(String schema) {
    JobSpec spec = new JobSpec(JOB, new SourceSpec("postgresql", List.of(new TenantSpec("t1", sourceUrl, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), schema, "tenant_id"),
        new TableSelection(List.of("public.items"), List.of()), Mode.CREATE, null);
    PreflightReply plans = new Preflight().run(spec);
    assertThat(plans.problems()).isEmpty();
    return plans.plans().get(0);
  }

  @Test
  void aUnitTheCoordinatorSaysIsLostStopsWithoutAResult() throws Exception {
    await(coordinator.start());
    deployWorker();
    TablePlan plan = prepared("v2");
    coordinator.lostUnits.add(JOB + "/slow");
    coordinator.pending.add(Units.copy("slow", JOB, plan, KeyRange.ALL, 1, DBS.connection(sourceUrl), DBS.connection(targetUrl),
        "tenant_id", 5));
    eventually(() -> coordinator.heartbeats.stream().anyMatch(h -> h.activeUnits().contains(JOB + "/slow")));
    eventually(() -> coordinator.heartbeats.getLast().activeUnits().isEmpty());
    Thread.sleep(200);
    assertThat(coordinator.result("slow")).isNull();
    try (Connection t = DBS.open(targetUrl); Statement st = t.createStatement();
         ResultSet rs = st.executeQuery("SELECT done, rows FROM ferry.checkpoints WHERE unit_id = 'slow' AND job_id = '" + JOB + "'")) {
      if (rs.next()) {
        assertThat(rs.getBoolean(1)).isFalse();
        assertThat(rs.getLong(2)).isLessThan(ROWS);
      }
    }
  }

  @Test
  void stoppingHandsRunningUnitsBackAsRetryable() throws Exception {
    await(coordinator.start());
    String deployment = deployWorker();
    TablePlan plan = prepared("v3");
    coordinator.pending.add(Units.copy("long", JOB, plan, KeyRange.ALL, 1, DBS.connection(sourceUrl), DBS.connection(targetUrl),
        "tenant_id", 5));
    eventually(() -> coordinator.progress.stream().anyMatch(p -> p.unitId().equals("long")));

    await(vertx.undeploy(deployment));

    UnitResult result = coordinator.result("long");
    assertThat(result).isNotNull();
    assertThat(result.ok()).isFalse();
    assertThat(result.retryable()).isTrue();
    assertThat(result.error()).isEqualTo("worker stopping");
    assertThat(result.rows()).isPositive().isLessThan(ROWS);
  }

  @Test
  void whenTheCoordinatorIsGoneAStopWaitsForTheChunkButNotForResultsNoOneCanReceive() throws Exception {
    await(coordinator.start());
    WorkerVerticle worker = new WorkerVerticle(new WorkerOptions("worker-1", 2, 100, 50));
    String deployment = await(vertx.deployVerticle(worker));
    TablePlan plan = prepared("v4");
    coordinator.pending.add(Units.copy("orphan", JOB, plan, KeyRange.ALL, 1, DBS.connection(sourceUrl), DBS.connection(targetUrl),
        "tenant_id", 5));
    eventually(() -> coordinator.progress.stream().anyMatch(p -> p.unitId().equals("orphan")));

    await(coordinator.stop());
    worker.coordinatorLost();
    long started = System.nanoTime();
    await(vertx.undeploy(deployment));

    // Result deliveries would be retried for ~15 s; a worker whose coordinator is gone rejoins instead.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(coordinator.result("orphan")).isNull();
    try (Connection t = DBS.open(targetUrl); Statement st = t.createStatement();
         ResultSet rs = st.executeQuery("SELECT done, rows FROM ferry.checkpoints WHERE unit_id = 'orphan' AND job_id = '" + JOB + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("stopped at a chunk boundary").isFalse();
      assertThat(rs.getLong(2)).isPositive().isLessThan(ROWS);
      try (Statement count = t.createStatement(); ResultSet rows = count.executeQuery("SELECT count(*) FROM v4.items")) {
        rows.next();
        assertThat(rows.getLong(1)).as("the target holds what the checkpoint counts").isEqualTo(rs.getLong(2));
      }
    }
  }
}
