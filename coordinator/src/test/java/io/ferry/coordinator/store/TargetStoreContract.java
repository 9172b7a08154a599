package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import io.ferry.coordinator.CoordinatorCluster;
import io.ferry.coordinator.CoordinatorOptions;
import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.TestHazelcast;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.Json;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's store ({@link TargetStore}) against a real target database of each engine it keeps
 * job records in: schema creation, job admission, unit upserts, the workers' checkpoints and a
 * coordinator's restore of its jobs. Each test gets a database of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TargetStoreContract {

  /** A unit's body as a coordinator writes it: JSON, with text that needs every Unicode plane. */
  private static final String BODY = "{\"state\":\"pending\",\"note\":\"O'Brien \\\\ ✓ 😀 ß\"}";

  @TempDir
  Path stateDir;

  /** Creates a database whose name starts with {@code store_} and returns it as a target. */
  protected abstract Target newTarget(String name) throws SQLException;

  /** A connection of the test's own to the target, auto-commit on. */
  protected abstract Connection connect(Target target) throws SQLException;

  protected abstract void dropDatabases() throws SQLException;

  /** Drops the target's {@code ferry} schema and everything in it, as an operator cleaning up would. */
  protected abstract void dropFerrySchema(Target target) throws SQLException;

  @AfterAll
  void drop() throws SQLException {
    dropDatabases();
  }

  private TargetStore newStore() {
    return newStore(stateDir);
  }

  /** A store of another coordinator: a state directory of its own. */
  private TargetStore newStore(Path dir) {
    return new TargetStore(TargetRegistry.load(dir), new TargetConnections());
  }

  private Target ready(String name) throws SQLException {
    Target target = newTarget(name);
    try (TargetStore store = newStore()) {
      store.ensureSchema(target);
    }
    return target;
  }

  @Test
  void theSchemaIsCreatedByManyCoordinatorsAtOnceAndEnsuredAgainWithoutHarm() throws Exception {
    Target target = newTarget("store_schema");
    try (TargetStore store = newStore()) {
      assertThat(store.doneCheckpoints(target, List.of("job"))).as("no ferry schema yet: nothing to read").isEmpty();
      List<Callable<Void>> coordinators = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        coordinators.add(() -> {
          try (TargetStore other = newStore(stateDir.resolve("other"))) {
            other.ensureSchema(target);
          }
          return null;
        });
      }
      runTogether(coordinators);
      store.ensureSchema(target);
      store.ensureSchema(target);
    }
    assertThat(ferryTables(target)).contains("jobs", "units", "checkpoints", "rejects");
  }

  @Test
  void theSchemaIsCreatedOncePerTargetAndAgainWhenAJobFindsItDropped() throws Exception {
    Target target = newTarget("store_schema_once");
    try (TargetStore store = newStore()) {
      store.ensureSchema(target);
      try (Connection c = connect(target)) {
        c.createStatement().execute("DROP TABLE ferry.rejects");
      }
      store.ensureSchema(target);
      assertThat(ferryTables(target)).as("ensured once by this coordinator: its DDL does not run again")
          .contains("jobs").doesNotContain("rejects");
      try (TargetStore restarted = newStore(stateDir.resolve("restarted"))) {
        restarted.ensureSchema(target);
      }
      assertThat(ferryTables(target)).as("a restarted coordinator runs it once more").contains("rejects");

      dropFerrySchema(target);
      store.registry().put("job-a", target);
      store.insertJob(target, "job-a", "{\"id\":\"job-a\"}", Map.of("copy:a", BODY), recorded -> List.of());
      assertThat(store.jobs(target, List.of("job-a"))).containsExactly(Map.entry("job-a", "{\"id\":\"job-a\"}"));
      assertThat(store.units("job-a", null)).containsExactly(Map.entry("copy:a", BODY));
      assertThat(ferryTables(target)).contains("jobs", "units", "checkpoints", "rejects");
    }
  }

  /** The tables of the target's {@code ferry} schema. */
  private List<String> ferryTables(Target target) throws SQLException {
    try (Connection c = connect(target);
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT table_name FROM information_schema.tables WHERE table_schema = 'ferry'")) {
      List<String> tables = new ArrayList<>();
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
      return tables;
    }
  }

  @Test
  void aJobIsRecordedWholeAndOneTheAdmissionRefusesLeavesNoTrace() throws Exception {
    Target target = ready("store_admit");
    Map<String, String> units = new LinkedHashMap<>();
    for (int i = 0; i < 2500; i++) {
      units.put("copy:a:public.t:%04d".formatted(i), BODY.replace("pending", "pending " + i));
    }
    try (TargetStore store = newStore()) {
      store.registry().put("job-a", target);
      List<Map<String, String>> seen = new ArrayList<>();
      store.insertJob(target, "job-a", "{\"id\":\"job-a\"}", units, recorded -> {
        seen.add(recorded);
        return List.of();
      });
      assertThat(seen).containsExactly(Map.of());
      assertThat(store.jobs(target, List.of("job-a", "job-x"))).containsExactly(Map.entry("job-a", "{\"id\":\"job-a\"}"));
      assertThat(store.units("job-a", null)).isEqualTo(units);
      List<String> some = new ArrayList<>(List.copyOf(units.keySet()).subList(0, 1500));
      some.add("copy:a:public.t:missing");
      assertThat(store.units("job-a", some)).hasSize(1500).containsEntry("copy:a:public.t:1499", units.get("copy:a:public.t:1499"));

      assertThatThrownBy(() -> store.insertJob(target, "job-b", "{\"id\":\"job-b\"}", Map.of("copy:b", BODY),
          recorded -> recorded.containsKey("job-a") ? List.of("job-a writes the same tables", "and a second problem") : List.of()))
          .isInstanceOfSatisfying(TargetStore.Refused.class, r ->
              assertThat(r.problems()).containsExactly("job-a writes the same tables", "and a second problem"));
      assertThat(store.jobs(target, List.of("job-b"))).isEmpty();
      assertThat(store.unitKeys(target, List.of("job-b"))).isEmpty();
      assertThat(store.unitKeys(target, List.of("job-a"))).hasSize(2500);

      store.upsertJob("job-a", "{\"id\":\"job-a\",\"state\":\"running\"}");
      assertThat(store.jobs(target, List.of("job-a"))).containsEntry("job-a", "{\"id\":\"job-a\",\"state\":\"running\"}");
    }
  }

  /** Each admission sees no other job and lets its own in: only a lock held to the commit refuses the second. */
  @Test
  void twoCoordinatorsAdmittingIntoOneTargetAtOnceAreSerialised() throws Exception {
    Target target = ready("store_lock");
    List<Callable<Void>> coordinators = new ArrayList<>();
    List<String> admitted = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
    for (String job : List.of("job-1", "job-2")) {
      coordinators.add(() -> {
        try (TargetStore store = newStore(stateDir.resolve(job))) {
          store.insertJob(target, job, "{}", Map.of("u", BODY), recorded -> {
            sleep(500);
            return recorded.isEmpty() ? List.of() : List.of("another job holds the target: " + recorded.keySet());
          });
          admitted.add(job);
        } catch (TargetStore.Refused e) {
          refused.add(e.getMessage());
        }
        return null;
      });
    }
    runTogether(coordinators);
    assertThat(admitted).hasSize(1);
    assertThat(refused).singleElement().asString().contains("another job holds the target: [" + admitted.getFirst() + "]");
  }

  @Test
  void unitsAreUpsertedOneAtATimeAndInBatchesAndDeleted() throws Exception {
    Target target = ready("store_units");
    try (TargetStore store = newStore()) {
      store.registry().put("job-u", target);
      store.upsertUnit("job-u", "u1", BODY);
      store.upsertUnit("job-u", "u1", "{\"state\":\"leased\"}");
      assertThat(store.units("job-u", null)).containsExactly(Map.entry("u1", "{\"state\":\"leased\"}"));

      Map<String, String> batch = new LinkedHashMap<>();
      batch.put("u1", "{\"state\":\"done\"}");
      batch.put("u2", BODY);
      batch.put("U2", "{\"upper\":true}");
      store.upsertUnits("job-u", batch);
      assertThat(store.units("job-u", null)).as("ids compare byte for byte, whatever the database's collation")
          .isEqualTo(batch);

      assertThatThrownBy(() -> store.upsertUnit("job-u", "u3", null)).isInstanceOf(SQLException.class);
      store.upsertUnits("job-u", Map.of("u3", BODY, "u4", BODY));
      assertThat(store.units("job-u", List.of("u3", "u4"))).containsOnlyKeys("u3", "u4");

      store.deleteUnit("job-u", "u2");
      assertThat(store.units("job-u", null)).containsOnlyKeys("u1", "U2", "u3", "u4");
      store.upsertJob("job-u", "{}");
      store.deleteJob("job-u");
      assertThat(store.jobs(target, List.of("job-u"))).isEmpty();
    }
  }

  /**
   * Without the key range held from the update to the insert, two writers of a new unit would both insert.
   * Not a test of every server: Babelfish does not hold key ranges ({@code HOLDLOCK}), so it runs where the
   * engine does (PostgreSQL, SQL Server 2022).
   */
  protected void coordinatorsUpsertingTheSameNewUnitsAtOnceNeitherFailNorDuplicate() throws Exception {
    Target target = ready("store_race");
    List<Callable<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      String body = "{\"writer\":" + w + "}";
      Path dir = stateDir.resolve("writer-" + w);
      writers.add(() -> {
        try (TargetStore store = newStore(dir)) {
          store.registry().put("job-r", target);
          for (int round = 0; round < 5; round++) {
            Map<String, String> batch = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
              batch.put("r" + round + "-" + i, body);
            }
            store.upsertUnits("job-r", batch);
            store.upsertUnit("job-r", "single-" + round, body);
          }
        }
        return null;
      });
    }
    runTogether(writers);
    try (TargetStore store = newStore()) {
      store.registry().put("job-r", target);
      Map<String, String> units = store.units("job-r", null);
      assertThat(units).hasSize(105);
      assertThat(units.values()).allMatch(b -> b.matches("\\{\"writer\":[0-3]}"));
    }
  }

  @Test
  void theCheckpointsWorkersWroteAreReadForReconciliation() throws Exception {
    Target target = ready("store_ckpt");
    writeCheckpoint(target, "cp-job", "copy:a:public.t:0000", 2, 10, 100, true, 3);
    writeCheckpoint(target, "cp-job", "copy:a:public.t:0001", 1, 5, 50, false, 0);
    writeCheckpoint(target, "other-job", "copy:a:public.t:0000", 1, 1, 1, true, 0);
    try (TargetStore store = newStore()) {
      assertThat(store.doneCheckpoints(target, List.of("cp-job")))
          .containsExactly(new TargetStore.DoneCheckpoint("cp-job", "copy:a:public.t:0000", 2, 10, 100, 3));
      assertThat(store.checkpointEpochs(target, List.of("cp-job", "other-job"))).containsOnly(
          Map.entry("cp-job/copy:a:public.t:0000", 2L), Map.entry("cp-job/copy:a:public.t:0001", 1L),
          Map.entry("other-job/copy:a:public.t:0000", 1L));
      assertThat(store.doneCheckpoints(target, List.of())).isEmpty();
    }
  }

  /** The rows a job's workers recorded in ferry.rejects, oldest first, narrowed by tenant and table, at most a limit. */
  @Test
  void theRowsTheTargetRejectedAreReadBackByTenantAndTable() throws Exception {
    Target target = ready("store_rejects");
    writeReject(target, "rj-job", "copy:a:app.t:0000", "a", "app.t", "[\"1\"]", "2026-01-01 10:00:01");
    writeReject(target, "rj-job", "copy:b:app.t:0000", "b", "app.t", "[\"O'Brien ✓\"]", "2026-01-01 10:00:02");
    writeReject(target, "rj-job", "copy:a:app.u:0000", "a", "app.u", "[\"3\"]", "2026-01-01 10:00:03");
    writeReject(target, "other-job", "copy:a:app.t:0000", "a", "app.t", "[\"4\"]", "2026-01-01 10:00:04");
    try (TargetStore store = newStore()) {
      store.registry().put("rj-job", target);
      List<TargetStore.RejectedRow> all = store.rejects("rj-job", null, null, 100);
      assertThat(all).extracting(TargetStore.RejectedRow::rowKey).containsExactly("[\"1\"]", "[\"O'Brien ✓\"]", "[\"3\"]");
      TargetStore.RejectedRow first = all.getFirst();
      assertThat(first.unitId()).isEqualTo("copy:a:app.t:0000");
      assertThat(first.columns()).isEqualTo("[\"tenant_id\",\"id\"]");
      assertThat(first.payload()).isEqualTo("a\t1");
      assertThat(first.error()).contains("violates check constraint");
      assertThat(first.sqlState()).isEqualTo("23514");
      assertThat(first.rejectedAt()).isEqualTo(java.time.Instant.parse("2026-01-01T10:00:01Z"));
      assertThat(store.rejects("rj-job", "a", null, 100)).extracting(TargetStore.RejectedRow::table).containsExactly("app.t", "app.u");
      assertThat(store.rejects("rj-job", "a", "app.u", 100)).extracting(TargetStore.RejectedRow::rowKey).containsExactly("[\"3\"]");
      assertThat(store.rejects("rj-job", null, "app.t", 1)).extracting(TargetStore.RejectedRow::tenantId).containsExactly("a");
    }
  }

  /** A reject as a worker records it, its time given in UTC. */
  private void writeReject(Target target, String job, String unit, String tenant, String table, String key, String utc)
      throws SQLException {
    try (Connection c = connect(target); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO ferry.rejects (job_id, unit_id, tenant_id, table_name, row_key, columns, payload, error, sql_state,"
            + " rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, job);
      ps.setString(2, unit);
      ps.setString(3, tenant);
      ps.setString(4, table);
      ps.setString(5, key);
      ps.setString(6, "[\"tenant_id\",\"id\"]");
      ps.setString(7, tenant + "\t1");
      ps.setString(8, "new row for relation \"t\" violates check constraint \"t_check\"");
      ps.setString(9, "23514");
      ps.setObject(10, rejectedAt(utc));
      ps.executeUpdate();
    }
  }

  /** A UTC time as the engine's {@code rejected_at} column takes it. */
  protected abstract Object rejectedAt(String utc);

  /** A coordinator started on the same state directory loads its jobs, units and checkpoints back. */
  @Test
  void aRestartedCoordinatorRestoresItsJobsFromTheTarget() throws Exception {
    Target written = ready("store_restore");
    // A literal password is not kept across a restart: the registry holds a reference.
    Path secret = stateDir.resolve("target-password");
    java.nio.file.Files.writeString(secret, written.password() == null ? "" : written.password());
    Target target = written.password() == null ? written
        : new Target(written.engine(), written.url(), written.user(), "${file:" + secret + "}");
    List<TablePlan> plans = List.of(Fixtures.plan("a", "public.t", 30_000, 100, Fixtures.quantiles(100, 3)));
    JobSpec fixture = Fixtures.spec("restore", target.url(), null, "a");
    JobSpec spec = new JobSpec(fixture.name(), fixture.source(),
        new TargetSpec(target.engine(), target.url(), target.user(), target.password(), null, null),
        fixture.tables(), fixture.mode(), fixture.unit());
    JobRecord job = new JobRecord("restore-abc123", "restore", spec.withoutSecrets(), JobState.RUNNING, JobPhase.COPY,
        1L, 1L, null, plans, null)
        // A paused tenant stays paused across the restart: the hold is part of the job's record.
        .withScopes(List.of(new io.ferry.coordinator.job.ScopeState("a", null, JobState.PAUSED)));
    List<WorkUnit> units = UnitPlanner.units(job.id(), plans, new UnitSize(10_000L, 1L << 40));
    Map<String, String> bodies = new LinkedHashMap<>();
    units.forEach(u -> bodies.put(u.id(), Json.encode(u)));
    try (TargetStore store = newStore()) {
      store.registry().put(job.id(), target);
      store.insertJob(target, job.id(), Json.encode(job), bodies, recorded -> List.of());
    }
    WorkUnit copied = units.stream().filter(u -> u.id().startsWith("copy:")).findFirst().orElseThrow();
    writeCheckpoint(target, job.id(), copied.id(), 7, 10_000, 80_000, true, 0);

    HazelcastInstance hazelcast = TestHazelcast.start(CoordinatorOptions.defaults().withStateDir(stateDir));
    Vertx vertx = Vertx.vertx();
    try {
      WorkerExecutor executor = vertx.createSharedWorkerExecutor("store-contract");
      JobStore.Loaded loaded = new JobStore(hazelcast, CoordinatorCluster.store(hazelcast), executor).load()
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(loaded.jobs()).containsExactly(job);
      assertThat(loaded.jobs().getFirst().scopes()).extracting(h -> h.tenant() + "/" + h.state().wireName()).containsExactly("a/paused");
      assertThat(loaded.jobs().getFirst().spec().target().endpoint().engine()).isEqualTo(target.engine());
      assertThat(loaded.units()).hasSize(units.size());
      assertThat(loaded.units()).filteredOn(u -> u.id().equals(copied.id())).singleElement()
          .satisfies(u -> assertThat(u.lease().epoch()).as("raised to the checkpoint's").isEqualTo(7));
      assertThat(loaded.doneCheckpoints())
          .containsExactly(new TargetStore.DoneCheckpoint(job.id(), copied.id(), 7, 10_000, 80_000, 0));
    } finally {
      CoordinatorCluster.store(hazelcast).close();
      hazelcast.shutdown();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A checkpoint row as a worker writes it, in the columns of the shared {@code ferry.checkpoints} DDL. */
  private void writeCheckpoint(Target target, String job, String unit, long epoch, long rows, long bytes, boolean done,
      long rejected) throws SQLException {
    try (Connection c = connect(target); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, \"rows\", bytes, chunks, done, rejected)"
            + " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)")) {
      ps.setString(1, job);
      ps.setString(2, unit);
      ps.setLong(3, epoch);
      ps.setString(4, "[\"9\"]");
      ps.setLong(5, rows);
      ps.setLong(6, bytes);
      ps.setBoolean(7, done);
      ps.setLong(8, rejected);
      ps.executeUpdate();
    }
  }

  /** Runs the tasks on threads of their own, released together; fails with the first task's failure. */
  private static void runTogether(List<Callable<Void>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        futures.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
