package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.unit.Checkpoint;
import io.ferry.worker.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ferry schema is created once per process and target, and again when someone dropped it. */
class PostgresCheckpointsIT {

  private static final TestDatabases DBS = new TestDatabases();
  private static String url;

  @BeforeAll
  static void database() throws SQLException {
    url = DBS.create("checkpoints");
  }

  @AfterAll
  static void drop() throws SQLException {
    DBS.close();
  }

  private static Connection target() throws SQLException {
    Connection c = DBS.open(url);
    c.setAutoCommit(false);
    return c;
  }

  @Test
  void ensuresTheSchemaOncePerTargetAndCreatesItAgainWhenItWasDropped() throws Exception {
    PostgresCheckpoints store = new PostgresCheckpoints();
    try (Connection t = target()) {
      store.ensureSchema(t);
      assertThat(schemaExists(t)).isTrue();
      drop(t);
      store.ensureSchema(t);
      assertThat(schemaExists(t)).as("ensured once: the second call does not touch the database").isFalse();

      // The unit's first statement misses the schema, creates it and runs again.
      Optional<Checkpoint> taken = store.takeOver(t, "job", "unit-1", 3);
      t.commit();
      assertThat(taken).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(3);
        assertThat(cp.rows()).isZero();
      });
      assertThat(schemaExists(t)).isTrue();

      drop(t);
      assertThat(store.read(t, "job", "unit-1")).isEmpty();
      t.rollback();
      assertThat(schemaExists(t)).isTrue();
    }
  }

  @Test
  void aCheckpointWriteThatMissesTheSchemaFailsAndTheNextAttemptCreatesItAgain() throws Exception {
    PostgresCheckpoints store = new PostgresCheckpoints();
    try (Connection t = target()) {
      store.ensureSchema(t);
      drop(t);
      Checkpoint cp = new Checkpoint("job", "unit-2", 1, List.of("10"), 10, 100, 1, false);
      assertThatThrownBy(() -> store.write(t, cp)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(PostgresCheckpoints.missingSchema((SQLException) e)).isTrue());
      t.rollback();
      store.ensureSchema(t);
      assertThat(schemaExists(t)).as("the failed write forgot that the schema was ensured").isTrue();
      assertThat(store.write(t, cp)).isTrue();
      t.commit();
      assertThat(store.read(t, "job", "unit-2")).hasValueSatisfying(read -> assertThat(read.rows()).isEqualTo(10));
    }
  }

  /** The take-over is committed by itself, and the unit's first chunk finds its transaction open. */
  @Test
  void aTakeOverCommitsItsEpochAndLeavesATransactionOpenForTheFirstChunk() throws Exception {
    PostgresCheckpoints store = new PostgresCheckpoints();
    try (Connection t = target(); Connection other = target()) {
      store.ensureSchema(t);
      assertThat(store.writeAndCommit(t, new Checkpoint("job", "unit-5", 1, List.of("7"), 7, 70, 1, false), false)).isTrue();
      Optional<Checkpoint> taken = store.takeOverAndBegin(t, "job", "unit-5", 2);
      assertThat(taken).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(2);
        assertThat(cp.rows()).isEqualTo(7);
        assertThat(cp.lastKey()).containsExactly("7");
      });
      assertThat(transaction(t)).isEqualTo(TransactionState.OPEN);
      try (Statement st = t.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
        rs.next();
        assertThat(rs.getString(1)).as("only the take-over commits without waiting for the WAL flush; the chunks wait")
            .isEqualTo("on");
      }
      assertThat(store.read(other, "job", "unit-5")).as("seen from elsewhere: the epoch is committed")
          .hasValueSatisfying(cp -> assertThat(cp.epoch()).isEqualTo(2));
      other.rollback();
      assertThat(store.takeOverAndBegin(t, "job", "unit-5", 1)).as("an older epoch takes nothing over").isEmpty();
      t.rollback();
      assertThat(store.takeOverAndBegin(other, "job", "unit-5", 2))
          .as("nor does the same epoch again: a second holder of an epoch handed out twice").isEmpty();
      other.rollback();
      assertThat(store.read(t, "job", "unit-5")).as("the checkpoint is as the first holder left it")
          .hasValueSatisfying(cp -> assertThat(cp.rows()).isEqualTo(7));
      t.rollback();
    }
  }

  /**
   * The checkpoint write and the COMMIT travel together, so a stale write must fail rather than update
   * nothing: otherwise the COMMIT would commit the chunk's rows under a lost lease.
   */
  @Test
  void aStaleWriteSentWithItsCommitCommitsNothing() throws Exception {
    PostgresCheckpoints store = new PostgresCheckpoints();
    try (Connection t = target(); Connection other = target()) {
      store.ensureSchema(t);
      try (Statement st = t.createStatement()) {
        st.execute("CREATE TABLE chunk_rows (id int)");
      }
      t.commit();
      assertThat(store.takeOverAndBegin(t, "job", "unit-6", 1)).isPresent();
      assertThat(store.takeOverAndBegin(other, "job", "unit-6", 2)).as("a newer holder").isPresent();
      other.rollback();
      try (Statement st = t.createStatement()) {
        st.execute("INSERT INTO chunk_rows VALUES (1), (2)");
      }
      assertThat(store.writeAndCommit(t, new Checkpoint("job", "unit-6", 1, List.of("2"), 2, 20, 1, false), true)).isFalse();
      assertThat(count(other, "SELECT count(*) FROM chunk_rows")).as("the fenced chunk's rows").isZero();
      assertThat(store.read(other, "job", "unit-6")).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(2);
        assertThat(cp.rows()).isZero();
      });
      other.rollback();

      // The current holder's write commits with its rows, and leaves the next chunk's transaction open.
      try (Statement st = other.createStatement()) {
        st.execute("INSERT INTO chunk_rows VALUES (1), (2)");
      }
      assertThat(store.writeAndCommit(other, new Checkpoint("job", "unit-6", 2, List.of("2"), 2, 20, 1, false), true)).isTrue();
      assertThat(transaction(other)).isEqualTo(TransactionState.OPEN);
      assertThat(count(t, "SELECT count(*) FROM chunk_rows")).isEqualTo(2);
      assertThat(store.writeAndCommit(other, new Checkpoint("job", "unit-6", 2, List.of("2"), 2, 20, 1, true), false)).isTrue();
      assertThat(transaction(other)).isEqualTo(TransactionState.IDLE);
      assertThat(store.read(t, "job", "unit-6")).hasValueSatisfying(cp -> assertThat(cp.done()).isTrue());
      t.rollback();
    }
  }

  private static TransactionState transaction(Connection c) throws SQLException {
    return c.unwrap(BaseConnection.class).getTransactionState();
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      long n = rs.getLong(1);
      c.rollback();
      return n;
    }
  }

  /**
   * A worker frozen between its checkpoint write and its commit holds its transaction open. Another process
   * that meets the target for the first time must still get through the schema step, and must not leave a
   * table lock request behind that every later reader queues after (which hung the whole suite).
   */
  @Test
  void ensuringTheSchemaDoesNotWaitForAnOpenTransactionOnTheCheckpoints() throws Exception {
    try (Connection frozen = target(); Connection other = target(); Connection reader = target()) {
      new PostgresCheckpoints().ensureSchema(frozen);
      new PostgresCheckpoints().write(frozen, new Checkpoint("job", "unit-3", 1, List.of("5"), 5, 50, 1, false));
      statementTimeout(other, "3s");
      new PostgresCheckpoints().ensureSchema(other);
      statementTimeout(reader, "3s");
      try (Statement st = reader.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM ferry.checkpoints")) {
        assertThat(rs.next()).isTrue();
      }
      frozen.rollback();
    }
  }

  /** On a target an older Ferry set up, the column it lacks is added, but not by waiting in the lock queue. */
  @Test
  void addingAMissingColumnGivesUpRatherThanQueueBehindAnOpenTransaction() throws Exception {
    try (Connection frozen = target(); Connection other = target()) {
      new PostgresCheckpoints().ensureSchema(frozen);
      try (Statement st = frozen.createStatement()) {
        st.execute("ALTER TABLE ferry.checkpoints DROP COLUMN rejected");
      }
      frozen.commit();
      try (Statement st = frozen.createStatement()) {
        st.execute("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, rows, bytes, chunks, done) VALUES ('job', 'unit-4', 1, 0, 0, 0, false)");
      }
      assertThatThrownBy(() -> new PostgresCheckpoints().ensureSchema(other)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P03"));
      frozen.rollback();
      new PostgresCheckpoints().ensureSchema(other);
      try (Statement st = other.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_attribute WHERE attrelid = 'ferry.checkpoints'::regclass AND attname = 'rejected'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      other.rollback();
    }
  }

  private static void statementTimeout(Connection c, String timeout) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET statement_timeout = '" + timeout + "'");
    }
    c.commit();
  }

  private static void drop(Connection t) throws SQLException {
    try (Statement st = t.createStatement()) {
      st.execute("DROP SCHEMA ferry CASCADE");
    }
    t.commit();
  }

  private static boolean schemaExists(Connection t) throws SQLException {
    try (Statement st = t.createStatement(); ResultSet rs = st.executeQuery("SELECT to_regclass('ferry.checkpoints') IS NOT NULL")) {
      rs.next();
      boolean exists = rs.getBoolean(1);
      t.rollback();
      return exists;
    }
  }
}
