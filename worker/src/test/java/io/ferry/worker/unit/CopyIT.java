package io.ferry.worker.unit;

import static io.ferry.testsupport.TestPostgres.longOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.Checkpoint;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.worker.SourceFixture;
import io.ferry.worker.Units;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.verify.TableChecksum;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two tenants into one target with a tenant column: prepare, copy in ranges with many chunks, finish, compare. */
class CopyIT {

  private static final String JOB = "job-copy-it";
  private static final TestPostgres DBS = new TestPostgres();
  private static final Map<String, String> TENANTS = new LinkedHashMap<>();
  private static String targetUrl;
  private static List<TablePlan> plans;
  /** As a worker runs units: connections borrowed from its pools, so every case here also runs on reused connections. */
  private static final ConnectionPools POOLS = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(POOLS);

  @BeforeAll
  static void migrateTwoTenants() throws Exception {
    TENANTS.put("t1", DBS.create("cp_t1"));
    TENANTS.put("t2", DBS.create("cp_t2"));
    targetUrl = DBS.create("cp_tgt");
    int seed = 1;
    for (String url : TENANTS.values()) {
      try (Connection c = DBS.open(url)) {
        SourceFixture.create(c, seed++);
      }
    }
    List<TenantSpec> tenants = new ArrayList<>();
    TENANTS.forEach((id, url) -> tenants.add(new TenantSpec(id, url, DBS.user(), DBS.password())));
    JobSpec spec = new JobSpec(JOB, new SourceSpec("postgresql", tenants),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), "app", "tenant_id"),
        new TableSelection(List.of("public.*"), List.of()), Mode.DROP_RECREATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    plans = reply.plans();
  }

  @AfterAll
  static void drop() throws Exception {
    POOLS.close();
    DBS.close();
  }

  private Endpoint source(TablePlan plan) {
    return DBS.connection(TENANTS.get(plan.tenantId()));
  }

  private Endpoint target() {
    return DBS.connection(targetUrl);
  }

  private UnitOutcome run(Assignment a) {
    return executor.execute(a, new UnitControl(), ProgressListener.NONE);
  }

  private static String name(TablePlan p) {
    return p.sourceTable().substring(p.sourceTable().indexOf('.') + 1).replace(' ', '_');
  }

  @Test
  void copiesEveryRowExactlyOnceAcrossRangesChunksAndResumes() throws Exception {
    // Prepare once per target table (every tenant's plan carries the same statements).
    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    plans.forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    for (TablePlan p : byTarget.values()) {
      UnitOutcome prepared = run(Units.statements("prepare-" + name(p), JOB, UnitKind.PREPARE, p, p.ddl().prepare(),
          source(p), target()));
      assertThat(prepared.ok()).as(prepared.error()).isTrue();
    }

    for (TablePlan p : plans) {
      String prefix = "copy-" + p.tenantId() + "-" + name(p) + "-";
      if (p.split().method() == SplitMethod.SINGLE_UNIT) {
        assertThat(run(Units.copy(prefix + "0", JOB, p, KeyRange.ALL, 1, source(p), target(), "tenant_id", 1000)).ok()).isTrue();
        continue;
      }
      List<KeyRange> ranges = Units.ranges(p.split().quantiles(), 3);
      for (int i = 0; i < ranges.size(); i++) {
        String id = prefix + i;
        if (p.sourceTable().equals("public.orders") && p.tenantId().equals("t1") && i == 1) {
          stopAfterOneChunkThenResume(p, id, ranges.get(i));
        } else if (p.sourceTable().equals("public.orders") && p.tenantId().equals("t2") && i == 0) {
          resumeFromAHandWrittenCheckpoint(p, id, ranges.get(i));
        } else {
          UnitOutcome o = run(Units.copy(id, JOB, p, ranges.get(i), 1, source(p), target(), "tenant_id", 1000));
          assertThat(o.ok()).as(o.error()).isTrue();
        }
      }
    }

    for (TablePlan p : byTarget.values()) {
      UnitOutcome finished = run(Units.statements("finish-" + name(p), JOB, UnitKind.FINISH, p, p.ddl().finish(),
          source(p), target()));
      assertThat(finished.ok()).as(finished.error()).isTrue();
    }
    List<String> fks = new ArrayList<>(new LinkedHashSet<>(byTarget.values().stream().flatMap(p -> p.ddl().foreignKeys().stream()).toList()));
    assertThat(fks).hasSize(1);
    UnitOutcome fk = run(Units.statements("finish-foreign-keys", JOB, UnitKind.FINISH, plans.get(0), fks, source(plans.get(0)), target()));
    assertThat(fk.ok()).as(fk.error()).isTrue();

    try (Connection t = DBS.open(targetUrl)) {
      for (TablePlan p : plans) {
        List<String> columns = p.columns().stream().map(ColumnPlan::name).toList();
        try (Connection s = DBS.open(TENANTS.get(p.tenantId()))) {
          TableChecksum.Result expected = TableChecksum.compute(s, p.sourceTable(), columns, null, null);
          TableChecksum.Result actual = TableChecksum.compute(t, p.targetTable(), columns, "tenant_id", p.tenantId());
          assertThat(actual).as(p.tenantId() + " " + p.sourceTable()).isEqualTo(expected);
          assertThat(actual.rows()).isEqualTo(p.sourceTable().equals("public.empty_table") ? 0 : p.estimatedRows());
        }
      }
      assertThat(longOf(t, "SELECT count(*) FROM app.orders")).isEqualTo(2L * SourceFixture.ORDERS);
      assertThat(longOf(t, "SELECT sum(rows) FROM ferry.checkpoints WHERE unit_id LIKE 'copy-t1-orders-%'")).isEqualTo(SourceFixture.ORDERS);
      // (copy-t…: other tests' units that fail on purpose leave the checkpoint their attempt took over.)
      assertThat(longOf(t, "SELECT count(*) FROM ferry.checkpoints WHERE unit_id LIKE 'copy-t%' AND NOT done")).isZero();
      assertThat(longOf(t, "SELECT min(chunks) FROM ferry.checkpoints WHERE unit_id LIKE 'copy-t1-orders-%'")).isGreaterThan(1);
      assertThat(longOf(t, "SELECT count(*) FROM ferry.checkpoints WHERE unit_id LIKE 'copy-%-empty_table-%' AND rows = 0 AND done"))
          .isEqualTo(2);
      // Finish rebuilt keys, constraints, indexes, defaults, sequences and the generated column.
      assertThat(longOf(t, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'app.orders'::regclass AND contype IN ('p', 'u', 'f')"))
          .isEqualTo(3);
      assertThat(longOf(t, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'app' AND tablename = 'orders'")).isEqualTo(4);
      assertThat(longOf(t, "SELECT count(*) FROM app.orders WHERE total IS DISTINCT FROM amount * 2")).isZero();
      assertThat(longOf(t, "INSERT INTO app.customers (tenant_id, name) VALUES ('t3', 'new') RETURNING id")).isEqualTo(201);
      assertThat(longOf(t, "INSERT INTO app.\"Mixed Case\" (tenant_id) VALUES ('t3') RETURNING id")).isEqualTo(501);
      assertThat(longOf(t, "SELECT count(*) FROM pg_stats WHERE schemaname = 'app' AND tablename = 'orders'")).isPositive();
    }

    // A unit whose result the coordinator lost is re-run: it finds its done checkpoint and copies nothing.
    TablePlan orders = plans.stream().filter(p -> p.tenantId().equals("t1") && p.sourceTable().equals("public.orders")).findFirst().orElseThrow();
    UnitOutcome again = run(Units.copy("copy-t1-orders-0", JOB, orders, Units.ranges(orders.split().quantiles(), 3).get(0), 7,
        source(orders), target(), "tenant_id", 1000));
    assertThat(again.ok()).isTrue();
    assertThat(again.rows()).isPositive();
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(longOf(t, "SELECT count(*) FROM app.orders")).isEqualTo(2L * SourceFixture.ORDERS);
    }
  }

  /** The worker is told to stop: the unit ends after a committed chunk, and a later attempt carries on after it. */
  private void stopAfterOneChunkThenResume(TablePlan p, String id, KeyRange range) throws SQLException {
    UnitControl control = new UnitControl();
    List<Long> progress = new ArrayList<>();
    UnitOutcome stopped = executor.execute(Units.copy(id, JOB, p, range, 1, source(p), target(), "tenant_id", 1000), control,
        (rows, bytes, dr, db) -> {
          progress.add(rows);
          control.stop();
        });
    assertThat(stopped.ok()).isFalse();
    assertThat(stopped.retryable()).isTrue();
    assertThat(stopped.error()).isEqualTo(UnitOutcome.STOPPING);
    assertThat(progress).containsExactly(1000L);
    Checkpoint cp = checkpoint(id);
    assertThat(cp.done()).isFalse();
    assertThat(cp.rows()).isEqualTo(1000);
    assertThat(cp.lastKey()).hasSize(1);

    // The unit says it is ending (so the worker can claim the next one) after its last row, before its last commit.
    List<Boolean> doneWhenEnding = new ArrayList<>();
    UnitControl ending = new UnitControl(() -> {
      try {
        doneWhenEnding.add(checkpoint(id).done());
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    UnitOutcome resumed = executor.execute(Units.copy(id, JOB, p, range, 2, source(p), target(), "tenant_id", 1000), ending,
        ProgressListener.NONE);
    assertThat(resumed.ok()).as(resumed.error()).isTrue();
    assertThat(resumed.rows()).isEqualTo(countInRange(p, range));
    assertThat(checkpoint(id).epoch()).isEqualTo(2);
    assertThat(doneWhenEnding).containsExactly(false);
    assertThat(checkpoint(id).done()).isTrue();
  }

  /**
   * A checkpoint written by an earlier attempt (here by hand, after copying the rows it counts through
   * another unit) makes the unit start strictly after its last key.
   */
  private void resumeFromAHandWrittenCheckpoint(TablePlan p, String id, KeyRange range) throws SQLException {
    String lastKey = p.split().quantiles().get(p.split().quantiles().size() / 10).get(0);
    KeyRange head = new KeyRange(range.lower(), List.of(Long.toString(Long.parseLong(lastKey) + 1)));
    UnitOutcome first = run(Units.copy(id + "-head", JOB, p, head, 1, source(p), target(), "tenant_id", 1000));
    assertThat(first.ok()).isTrue();
    try (Connection t = DBS.open(targetUrl)) {
      t.setAutoCommit(false);
      new io.ferry.worker.postgres.PostgresTarget().checkpoints().write(t,
          new Checkpoint(JOB, id, 1, List.of(lastKey), first.rows(), first.bytes(), 1, false));
      t.createStatement().execute("DELETE FROM ferry.checkpoints WHERE unit_id = '" + id + "-head'");
      t.commit();
    }
    UnitOutcome resumed = run(Units.copy(id, JOB, p, range, 2, source(p), target(), "tenant_id", 1000));
    assertThat(resumed.ok()).as(resumed.error()).isTrue();
    assertThat(resumed.rows()).isEqualTo(countInRange(p, range));
  }

  @Test
  void truncateModeKeepsExistingTablesAndItsGuardedFinishRunsTwice() throws Exception {
    JobSpec spec = new JobSpec(JOB, new SourceSpec("postgresql", List.of(new TenantSpec("t1", TENANTS.get("t1"), DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), "tr", "tenant_id"),
        new TableSelection(List.of("public.customers", "public.orders", "public.Mixed Case"), List.of()), Mode.TRUNCATE, null);
    for (int round = 1; round <= 2; round++) {
      PreflightReply reply = new Preflight().run(spec);
      assertThat(reply.problems()).isEmpty();
      List<String> fks = new ArrayList<>();
      for (TablePlan p : reply.plans()) {
        assertThat(p.targetExists()).isEqualTo(round == 2);
        String id = "tr" + round + "-" + name(p);
        assertThat(run(Units.statements(id + "-prepare", JOB, UnitKind.PREPARE, p, p.ddl().prepare(), source(p), target())).ok()).isTrue();
        assertThat(run(Units.copy(id + "-copy", JOB, p, KeyRange.ALL, 1, source(p), target(), "tenant_id", 10_000)).ok()).isTrue();
        UnitOutcome finished = run(Units.statements(id + "-finish", JOB, UnitKind.FINISH, p, p.ddl().finish(), source(p), target()));
        assertThat(finished.ok()).as(finished.error()).isTrue();
        fks.addAll(p.ddl().foreignKeys());
      }
      UnitOutcome fk = run(Units.statements("tr" + round + "-fks", JOB, UnitKind.FINISH, reply.plans().get(0), fks,
          source(reply.plans().get(0)), target()));
      assertThat(fk.ok()).as(fk.error()).isTrue();
    }
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(longOf(t, "SELECT count(*) FROM tr.orders")).isEqualTo(SourceFixture.ORDERS);
      assertThat(longOf(t, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'tr.orders'::regclass AND contype IN ('p', 'u', 'f')"))
          .isEqualTo(3);
    }
  }

  @Test
  void aCopyWhoseLeaseMovedToANewerEpochRollsBackAndLeavesNoRows() throws Exception {
    TablePlan skewed = plans.stream().filter(p -> p.tenantId().equals("t1") && p.sourceTable().equals("public.skewed")).findFirst().orElseThrow();
    try (Connection t = DBS.open(targetUrl); Statement st = t.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS fence");
      st.execute("CREATE TABLE fence.skewed (tenant_id text NOT NULL, k bigint NOT NULL, v integer)");
    }
    TablePlan fenced = new TablePlan(skewed.tenantId(), skewed.sourceTable(), "fence.skewed", skewed.columns(),
        skewed.split(),
        skewed.estimatedRows(), skewed.estimatedBytes(), skewed.copyFormat(), null,
        TargetDdl.NONE,
        false, false, 0, List.of());
    Assignment stale = Units.copy("fence-1", JOB, fenced, KeyRange.ALL, 3, source(fenced), target(), "tenant_id", 5000);

    // Already newer when the unit starts: it does nothing.
    try (Connection t = DBS.open(targetUrl); Statement st = t.createStatement()) {
      st.execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, rows, bytes, chunks, done) VALUES ('" + JOB
          + "', 'fence-0', 5, 0, 0, 0, false)");
    }
    UnitOutcome early = run(Units.copy("fence-0", JOB, fenced, KeyRange.ALL, 3, source(fenced), target(), "tenant_id", 5000));
    assertThat(early.ok()).isFalse();
    assertThat(early.error()).isEqualTo(UnitOutcome.LEASE_LOST);

    // Becomes newer while the unit starts: its take-over waits for the newer row's lock, then takes nothing
    // over, and nothing is copied. (A stale chunk write is PostgresCheckpointsIT's and RejectedRowsIT's.)
    try (Connection newer = DBS.open(targetUrl)) {
      newer.setAutoCommit(false);
      newer.createStatement().execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, rows, bytes, chunks, done) VALUES ('"
          + JOB + "', 'fence-1', 4, 0, 0, 0, false)");
      CompletableFuture<UnitOutcome> outcome = CompletableFuture.supplyAsync(() -> run(stale));
      try (Connection watch = DBS.open(targetUrl)) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (longOf(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND application_name = 'ferry-worker' AND wait_event_type = 'Lock'") == 0) {
          assertThat(System.currentTimeMillis()).isLessThan(deadline);
          Thread.sleep(20);
        }
      }
      newer.commit();
      UnitOutcome o = outcome.get();
      assertThat(o.ok()).isFalse();
      // Refused at its take-over: retryable, in case the coordinator still counts this lease as current (an
      // epoch handed out twice); a coordinator that moved on ignores the report.
      assertThat(o.retryable()).isTrue();
      assertThat(o.error()).isEqualTo(UnitOutcome.LEASE_LOST);
    }
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(longOf(t, "SELECT count(*) FROM fence.skewed")).isZero();
      assertThat(longOf(t, "SELECT epoch FROM ferry.checkpoints WHERE unit_id = 'fence-1'")).isEqualTo(4);
    }
  }

  /**
   * A worker that hung past its lease wakes up in the middle of a unit that a new holder has just
   * started. The new holder stamps its epoch on the checkpoint before it copies anything, so the old
   * holder's next chunk is refused even though the new holder has not committed a chunk yet, and the
   * new holder resumes exactly after the old holder's last committed chunk.
   */
  @Test
  void aNewHolderTakesTheCheckpointOverBeforeCopyingSoTheOldHolderCannotCommitAgain() throws Exception {
    TablePlan skewed = plans.stream().filter(p -> p.tenantId().equals("t1") && p.sourceTable().equals("public.skewed")).findFirst().orElseThrow();
    try (Connection t = DBS.open(targetUrl); Statement st = t.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS takeover");
      st.execute("CREATE TABLE takeover.skewed (tenant_id text NOT NULL, k bigint NOT NULL, v integer)");
    }
    TablePlan plan = new TablePlan(skewed.tenantId(), skewed.sourceTable(), "takeover.skewed", skewed.columns(),
        skewed.split(),
        skewed.estimatedRows(), skewed.estimatedBytes(), skewed.copyFormat(), null,
        TargetDdl.NONE,
        false, false, 0, List.of());
    Assignment old = Units.copy("takeover", JOB, plan, KeyRange.ALL, 3, source(plan), target(), "tenant_id", 1000);
    Assignment next = Units.copy("takeover", JOB, plan, KeyRange.ALL, 4, source(plan), target(), "tenant_id", 1000);
    CompletableFuture<UnitOutcome> newHolder = new CompletableFuture<>();

    UnitOutcome oldOutcome = executor.execute(old, new UnitControl(), (rows, bytes, dr, db) -> {
      if (newHolder.isDone() || rows != 1000) {
        return;
      }
      // The old holder has committed one chunk and is about to read its second. Hold every write to
      // the table (SHARE blocks COPY) so the new holder cannot commit a chunk, and start it.
      try (Connection gate = DBS.open(targetUrl); Connection watch = DBS.open(targetUrl)) {
        gate.setAutoCommit(false);
        gate.createStatement().execute("LOCK TABLE takeover.skewed IN SHARE MODE");
        CompletableFuture.supplyAsync(() -> run(next)).whenComplete((o, e) -> {
          if (e != null) {
            newHolder.completeExceptionally(e);
          } else {
            newHolder.complete(o);
          }
        });
        long deadline = System.currentTimeMillis() + 10_000;
        while (longOf(watch, "SELECT coalesce(max(epoch), 0) FROM ferry.checkpoints WHERE unit_id = 'takeover'") != 4) {
          assertThat(System.currentTimeMillis()).as("the new holder stamps epoch 4 before copying").isLessThan(deadline);
          Thread.sleep(20);
        }
        gate.commit();
      } catch (SQLException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    assertThat(oldOutcome.ok()).isFalse();
    assertThat(oldOutcome.error()).isEqualTo(UnitOutcome.LEASE_LOST);
    UnitOutcome newOutcome = newHolder.get();
    assertThat(newOutcome.ok()).as(newOutcome.error()).isTrue();
    long sourceRows = countInRange(plan, KeyRange.ALL);
    assertThat(newOutcome.rows()).isEqualTo(sourceRows);
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(longOf(t, "SELECT count(*) FROM takeover.skewed")).isEqualTo(sourceRows);
      assertThat(longOf(t, "SELECT count(DISTINCT k) FROM takeover.skewed")).isEqualTo(sourceRows);
    }
    Checkpoint cp = checkpoint("takeover");
    assertThat(cp.epoch()).isEqualTo(4);
    assertThat(cp.done()).isTrue();
    assertThat(cp.rows()).isEqualTo(sourceRows);
  }

  @Test
  void failuresNameTheUnitAndSayWhetherToRetry() {
    TablePlan orders = plans.stream().filter(p -> p.tenantId().equals("t1") && p.sourceTable().equals("public.orders")).findFirst().orElseThrow();
    TablePlan missing = new TablePlan("t1", "public.orders", "nowhere.orders", orders.columns(),
        new SplitPlan(orders.split().key(), orders.split().types(), false, orders.split().orderPortable(), orders.split().method(), List.of(), "exact"),
        0, 0, orders.copyFormat(), null,
        TargetDdl.NONE,
        false, false, 0, List.of());
    UnitOutcome o = run(Units.copy("copy-missing", JOB, missing, new KeyRange(List.of("1"), List.of("100")), 1, source(missing),
        target(), "tenant_id", 1000));
    assertThat(o.ok()).isFalse();
    assertThat(o.retryable()).isFalse();
    assertThat(o.error()).startsWith("copy unit copy-missing of job " + JOB + ", tenant t1, table nowhere.orders, range [1, 100): ")
        .contains("nowhere");

    Endpoint unreachable = new Endpoint("postgresql", "jdbc:postgresql://127.0.0.1:1/x", "postgres", "hunter2secret");
    UnitOutcome down = run(Units.copy("copy-down", JOB, orders, KeyRange.ALL, 1, source(orders), unreachable, "tenant_id", 1000));
    assertThat(down.ok()).isFalse();
    assertThat(down.retryable()).isTrue();
    assertThat(down.error()).doesNotContain("hunter2secret");
  }

  private Checkpoint checkpoint(String unitId) throws SQLException {
    try (Connection t = DBS.open(targetUrl)) {
      return new io.ferry.worker.postgres.PostgresTarget().checkpoints().read(t, JOB, unitId).orElseThrow();
    }
  }

  private long countInRange(TablePlan p, KeyRange range) throws SQLException {
    String key = "\"" + p.split().key().get(0) + "\"";
    String where = (range.lower() == null ? "true" : key + " >= " + range.lower().get(0))
        + (range.upper() == null ? "" : " AND " + key + " < " + range.upper().get(0));
    try (Connection s = DBS.open(TENANTS.get(p.tenantId()))) {
      return longOf(s, "SELECT count(*) FROM " + p.sourceTable() + " WHERE " + where);
    }
  }
}
