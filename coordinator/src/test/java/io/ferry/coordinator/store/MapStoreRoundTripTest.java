package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.Json;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The map stores against a real PostgreSQL target: what one store instance writes, a new one loads back. */
class MapStoreRoundTripTest {

  private static final TestPostgres PG = new TestPostgres();
  private static String database;

  @TempDir
  Path stateDir;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = PG.createDatabase("store");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    PG.close();
  }

  private Target target() {
    return new Target("postgresql", PG.url(database), PG.user(), PG.password());
  }

  @Test
  void aNewStoreLoadsBackTheJobsAndUnitsAnotherOneWrote() throws Exception {
    // Split points are fixed when the job is created: the ranges (text tuples, the NULL-key range) come back as stored.
    List<List<String>> tuples = Fixtures.quantiles(100, 10).stream().map(v -> List.of("O'Brien \\ ✓ " + v, v)).toList();
    List<TablePlan> plans = List.of(Fixtures.plan("a", "public.t", 30_000, 100, Fixtures.quantiles(100, 10)),
        Fixtures.keyedPlan("a", "public.u", io.ferry.protocol.plan.SplitMethod.UNIQUE_INDEX, List.of("name", "n"),
            List.of("text", "integer"), true, 30_000, 100, tuples, null));
    JobSpec spec = Fixtures.spec("roundtrip", target().url(), null, "a");
    JobRecord job = new JobRecord("roundtrip-abc123", "roundtrip", spec.withoutSecrets(), JobState.RUNNING, JobPhase.PREPARE,
        1L, 1L, null, plans, null);
    List<WorkUnit> units = UnitPlanner.units(job.id(), plans, new UnitSize(10_000L, 1L << 40));

    try (TargetStore store = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections())) {
      store.registry().put(job.id(), target());
      store.ensureSchema(target());
      JobMapStore jobs = new JobMapStore(store);
      UnitMapStore unitStore = new UnitMapStore(store);
      jobs.store(job.id(), Json.encode(job));
      for (WorkUnit u : units) {
        unitStore.store(job.id() + "/" + u.id(), Json.encode(u));
      }
      WorkUnit leased = units.get(1).leased("w1", 99);
      unitStore.store(job.id() + "/" + leased.id(), Json.encode(leased));
    }

    try (TargetStore reopened = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections())) {
      JobMapStore jobs = new JobMapStore(reopened);
      UnitMapStore unitStore = new UnitMapStore(reopened);
      assertThat(jobs.loadAllKeys()).containsExactly(job.id());
      assertThat(Json.decode(jobs.load(job.id()), JobRecord.class)).isEqualTo(job);
      List<String> keys = new java.util.ArrayList<>();
      unitStore.loadAllKeys().forEach(keys::add);
      assertThat(keys).hasSize(units.size());
      Map<String, WorkUnit> loaded = new HashMap<>();
      unitStore.loadAll(keys).forEach((k, v) -> loaded.put(k, Json.decode(v, WorkUnit.class)));
      Map<String, WorkUnit> expected = new LinkedHashMap<>();
      units.forEach(u -> expected.put(job.id() + "/" + u.id(), u));
      expected.put(job.id() + "/" + units.get(1).id(), units.get(1).leased("w1", 99));
      assertThat(loaded).isEqualTo(expected);
    }
  }

  @Test
  void aUnitWrittenWithoutWaitingForItsFlushIsVisibleAtOnceAndLeavesTheConnectionAsItWas() throws Exception {
    TargetConnections connections = new TargetConnections();
    try (TargetStore store = new TargetStore(TargetRegistry.load(stateDir), connections)) {
      store.registry().put("async-job", target());
      store.ensureSchema(target());
      store.upsertUnit("async-job", "u1", "{\"state\":\"done\"}");
      try (Connection other = PG.connect(database);
           var rs = other.createStatement().executeQuery("SELECT body FROM ferry.units WHERE job_id = 'async-job'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("{\"state\":\"done\"}");
      }
      assertThat(PostgresStoreSql.INSTANCE.upsertUnitAndCommit()).startsWith("SET LOCAL synchronous_commit = off; ").endsWith("; COMMIT");
      assertThat(settings(connections)).as("the setting is the transaction's only; autocommit restored").isEqualTo("on true");

      // A failed write (a unit without a body) rolls back and leaves the connection usable.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.upsertUnit("async-job", "u2", null))
          .isInstanceOf(java.sql.SQLException.class);
      assertThat(settings(connections)).isEqualTo("on true");
      store.upsertUnit("async-job", "u1", "{\"state\":\"leased\"}");
      try (Connection other = PG.connect(database);
           var rs = other.createStatement().executeQuery("SELECT body FROM ferry.units WHERE job_id = 'async-job'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("{\"state\":\"leased\"}");
      }
    }
  }

  private String settings(TargetConnections connections) throws Exception {
    return connections.with(target(), c -> {
      try (var rs = c.createStatement().executeQuery("SHOW synchronous_commit")) {
        rs.next();
        return rs.getString(1) + " " + c.getAutoCommit();
      }
    });
  }

  @Test
  void doneCheckpointsAreReadForReconciliation() throws Exception {
    try (TargetStore store = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections())) {
      store.registry().put("cp-job", target());
      store.ensureSchema(target());
      try (Connection c = PG.connect(database)) {
        c.createStatement().execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done,"
            + " rejected) VALUES ('cp-job', 'copy:a:public.t:0000', 2, '[\"9\"]', 10, 100, 1, true, 3),"
            + " ('cp-job', 'copy:a:public.t:0001', 1, '[\"5\"]', 5, 50, 1, false, 0),"
            + " ('other-job', 'copy:a:public.t:0000', 1, null, 1, 1, 1, true, 0)");
      }
      assertThat(store.doneCheckpoints(target(), List.of("cp-job")))
          .containsExactly(new TargetStore.DoneCheckpoint("cp-job", "copy:a:public.t:0000", 2, 10, 100, 3));
      try (Connection c = PG.connect(database)) {
        c.createStatement().execute("ALTER TABLE ferry.checkpoints DROP COLUMN rejected");
      }
      assertThat(store.doneCheckpoints(target(), List.of("cp-job"))).as("a ferry schema from before rejected rows")
          .containsExactly(new TargetStore.DoneCheckpoint("cp-job", "copy:a:public.t:0000", 2, 10, 100, 0));
    }
  }

  @Test
  void theRegistryFileHoldsReferencesButNeverALiteralPassword() throws Exception {
    TargetRegistry registry = TargetRegistry.load(stateDir);
    registry.put("ref-job", new Target("postgresql", "jdbc:postgresql://h/db", "u", "${env:TARGET_PASSWORD}"));
    registry.put("literal-job", new Target("postgresql", "jdbc:postgresql://h/db", "u", "s3cret-literal"));
    assertThat(registry.target("literal-job").password()).as("kept in memory").isEqualTo("s3cret-literal");

    String file = Files.readString(stateDir.resolve(TargetRegistry.FILE_NAME));
    assertThat(file).contains("${env:TARGET_PASSWORD}").doesNotContain("s3cret-literal");

    TargetRegistry reloaded = TargetRegistry.load(stateDir);
    assertThat(reloaded.target("ref-job").password()).isEqualTo("${env:TARGET_PASSWORD}");
    assertThat(reloaded.target("literal-job")).as("unreachable after a restart").isNull();
    assertThat(reloaded.jobsByTarget().values()).containsExactly(List.of("ref-job"));
  }
}
