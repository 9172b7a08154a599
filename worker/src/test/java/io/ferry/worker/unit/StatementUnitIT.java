package io.ferry.worker.unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.unit.Lease;
import io.ferry.protocol.unit.Progress;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Finish units against a real PostgreSQL target: two holders of one unit's leases never both build it. */
class StatementUnitIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final String JOB = "job-s";
  private static final String ADD_KEY = "ALTER TABLE fence.items ADD PRIMARY KEY (id)";
  private static String url;
  /** Two workers: each has its own connection pools. */
  private final UnitExecutor thawed = new UnitExecutor();
  private final UnitExecutor successor = new UnitExecutor();

  @BeforeAll
  static void database() throws SQLException {
    url = DBS.create("statements");
  }

  @AfterAll
  static void drop() throws SQLException {
    DBS.close();
  }

  /**
   * A worker that held the finish unit's first lease starts it only after the coordinator leased it again
   * (it was frozen): both wait for the same table lock. The newer lease must win and the table end with
   * its key; the older holder's statements must not commit (had both run, the second {@code ADD PRIMARY
   * KEY} fails the unit with "multiple primary keys").
   */
  @Test
  void aStaleLeaseHolderRunningAlongsideTheNewOneLosesAndTheNewOneBuildsTheKey() throws Exception {
    sql("DROP SCHEMA IF EXISTS fence CASCADE", "CREATE SCHEMA fence", "CREATE TABLE fence.items (id bigint NOT NULL)",
        "INSERT INTO fence.items SELECT generate_series(1, 100)");
    // Threads of their own: the common pool may have a single thread on a small machine.
    try (Connection gate = DBS.open(url); ExecutorService threads = Executors.newFixedThreadPool(2)) {
      gate.setAutoCommit(false);
      try (Statement st = gate.createStatement()) {
        st.execute("LOCK TABLE fence.items IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<UnitOutcome> stale = CompletableFuture.supplyAsync(() -> run(thawed, finish(1)), threads);
      waitForLockWaiters(1);
      CompletableFuture<UnitOutcome> current = CompletableFuture.supplyAsync(() -> run(successor, finish(2)), threads);
      waitForLockWaiters(2);
      gate.commit();

      UnitOutcome newer = current.get(60, TimeUnit.SECONDS);
      UnitOutcome older = stale.get(60, TimeUnit.SECONDS);
      assertThat(newer.ok()).as(String.valueOf(newer.error())).isTrue();
      assertThat(older.ok()).as("the older lease's statements do not commit").isFalse();
      assertThat(older.error()).isEqualTo(UnitOutcome.LEASE_LOST);
    }
    assertThat(count("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'fence.items'::regclass"))
        .isEqualTo(1);
    assertThat(count("SELECT epoch FROM ferry.checkpoints WHERE unit_id = 'finish:fence.items' AND done")).isEqualTo(2);
  }

  private Assignment finish(long epoch) {
    WorkUnit unit = new WorkUnit("finish:fence.items", JOB, UnitKind.FINISH, new Slice("t1", "fence.items", "fence.items", null, 0, 0),
        UnitState.LEASED, new Lease(1, epoch, "test-worker", 0), Progress.NONE);
    return new Assignment(unit, null, DBS.connection(url), DBS.connection(url), null, List.of(ADD_KEY), 0, 0, null,
        List.of(), null);
  }

  private static UnitOutcome run(UnitExecutor executor, Assignment finish) {
    return executor.execute(finish, new UnitControl(), ProgressListener.NONE);
  }

  /** Until {@code n} sessions wait for a lock on the table (the gate holds it). */
  private static void waitForLockWaiters(int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (count("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'fence.items'::regclass") < n) {
      assertThat(System.nanoTime()).as("%d session(s) waiting for the table lock: %s", n, activity()).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static String activity() throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = DBS.open(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity WHERE datname = current_database()")) {
      while (rs.next()) {
        out.append('\n').append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3))
            .append(' ').append(rs.getString(4));
      }
    }
    return out.toString();
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private static long count(String query) throws SQLException {
    try (Connection c = DBS.open(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
