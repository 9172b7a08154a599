package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.unit.Checkpoint;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * What the PostgreSQL store does beyond the checkpoint contract ({@link PostgresCheckpointsContractIT}):
 * the ferry schema is created once per process and target, and again when someone dropped it, without
 * queueing behind open transactions; a take-over commits without waiting for the WAL flush.
 */
class PostgresCheckpointsIT {

  private static final TestPostgres DBS = new TestPostgres();
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

  /** The take-over is committed by itself, and each chunk's commit leaves the next chunk's transaction open. */
  @Test
  void aTakeOverAndAChunkCommitLeaveTheNextTransactionOpen() throws Exception {
    PostgresCheckpoints store = new PostgresCheckpoints();
    try (Connection t = target()) {
      store.ensureSchema(t);
      assertThat(store.takeOverAndBegin(t, "job", "unit-5", 2)).isPresent();
      assertThat(transaction(t)).isEqualTo(TransactionState.OPEN);
      try (Statement st = t.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
        rs.next();
        assertThat(rs.getString(1)).as("only the take-over commits without waiting for the WAL flush; the chunks wait")
            .isEqualTo("on");
      }
      assertThat(store.writeAndCommit(t, new Checkpoint("job", "unit-5", 2, List.of("2"), 2, 20, 1, false), true)).isTrue();
      assertThat(transaction(t)).isEqualTo(TransactionState.OPEN);
      assertThat(store.writeAndCommit(t, new Checkpoint("job", "unit-5", 2, List.of("2"), 2, 20, 1, true), false)).isTrue();
      assertThat(transaction(t)).isEqualTo(TransactionState.IDLE);
    }
  }

  private static TransactionState transaction(Connection c) throws SQLException {
    return c.unwrap(BaseConnection.class).getTransactionState();
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
