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
