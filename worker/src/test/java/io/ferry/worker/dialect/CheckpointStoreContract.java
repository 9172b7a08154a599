package io.ferry.worker.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.unit.Checkpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link CheckpointStore} must do: keep a unit's progress, fence an older lease holder out the
 * moment a newer one takes over (its chunk is not committed, its checkpoint not written), reset a unit for
 * a rollback under a fence, and record a rejected row once per key. An engine runs it by providing a
 * target database; the contract uses only portable SQL on it ({@code ferry.rejects} is part of the store).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CheckpointStoreContract {

  private static final String JOB = "job-contract";

  // ---- what an engine provides

  protected abstract CheckpointStore store();

  /** Creates the empty target database. */
  protected abstract void createDatabase() throws SQLException;

  /** Drops what {@link #createDatabase()} created. */
  protected abstract void dropDatabases() throws SQLException;

  /** A new connection to that database, auto-commit off, as the target dialect opens it. */
  protected abstract Connection connect() throws SQLException;

  /** Drops the store's tables and the {@code ferry} schema, in the connection's open transaction. */
  protected abstract void dropStoreSchema(Connection c) throws SQLException;

  @BeforeAll
  void create() throws SQLException {
    createDatabase();
    try (Connection c = connect()) {
      store().ensureSchema(c);
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE chunk_rows (unit_id varchar(40), id integer)");
      }
      c.commit();
    }
  }

  @AfterAll
  void drop() throws SQLException {
    dropDatabases();
  }

  @Test
  void aUnitWithoutCheckpointReadsEmptyAndAWrittenOneReadsBack() throws SQLException {
    try (Connection c = connect()) {
      assertThat(store().read(c, JOB, "unit-read")).isEmpty();
      c.rollback();
      Checkpoint written = new Checkpoint(JOB, "unit-read", 1, List.of("a'b", "7"), 10, 100, 2, false);
      assertThat(store().write(c, written)).isTrue();
      c.commit();
      assertThat(store().read(c, JOB, "unit-read")).hasValue(written);
      c.rollback();
      assertThat(store().read(c, JOB, "unit-other")).as("by unit").isEmpty();
      assertThat(store().read(c, "job-other", "unit-read")).as("by job").isEmpty();
      c.rollback();
    }
  }

  @Test
  void aTakeOverStampsItsEpochAndReturnsTheProgressItResumesFrom() throws SQLException {
    try (Connection c = connect(); Connection other = connect()) {
      assertThat(store().takeOver(c, JOB, "unit-take", 3)).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(3);
        assertThat(cp.rows()).isZero();
        assertThat(cp.lastKey()).isNull();
      });
      c.commit();
      assertThat(store().writeAndCommit(c, new Checkpoint(JOB, "unit-take", 3, List.of("7"), 7, 70, 1, false), false)).isTrue();
      assertThat(store().takeOverAndBegin(other, JOB, "unit-take", 4)).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(4);
        assertThat(cp.rows()).isEqualTo(7);
        assertThat(cp.lastKey()).containsExactly("7");
      });
      assertThat(store().read(c, JOB, "unit-take")).as("seen from elsewhere: the take-over is committed")
          .hasValueSatisfying(cp -> assertThat(cp.epoch()).isEqualTo(4));
      c.rollback();
      other.rollback();
    }
  }

  @Test
  void anOlderOrTheSameEpochTakesNothingOver() throws SQLException {
    try (Connection c = connect(); Connection other = connect()) {
      assertThat(store().takeOverAndBegin(c, JOB, "unit-older", 5)).isPresent();
      c.rollback();
      assertThat(store().takeOverAndBegin(other, JOB, "unit-older", 4)).as("older").isEmpty();
      other.rollback();
      assertThat(store().takeOverAndBegin(other, JOB, "unit-older", 5)).as("the same epoch handed out twice").isEmpty();
      other.rollback();
      assertThat(store().takeOver(other, JOB, "unit-older", 4)).isEmpty();
      other.rollback();
    }
  }

  /** An older holder finishing a chunk after a newer one took over commits neither the chunk's rows nor its checkpoint. */
  @Test
  void anOlderEpochCannotCommitAfterANewerTookOver() throws SQLException {
    try (Connection old = connect(); Connection current = connect()) {
      assertThat(store().takeOverAndBegin(old, JOB, "unit-fenced", 1)).isPresent();
      assertThat(store().takeOverAndBegin(current, JOB, "unit-fenced", 2)).isPresent();
      current.rollback();
      insertChunk(old, "unit-fenced", 2);
      assertThat(store().writeAndCommit(old, new Checkpoint(JOB, "unit-fenced", 1, List.of("2"), 2, 20, 1, false), true))
          .isFalse();
      old.rollback();
      assertThat(chunkRows(current, "unit-fenced")).as("the fenced chunk's rows").isZero();
      assertThat(store().write(old, new Checkpoint(JOB, "unit-fenced", 1, List.of("2"), 2, 20, 1, false))).isFalse();
      old.rollback();
      assertThat(store().read(current, JOB, "unit-fenced")).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(2);
        assertThat(cp.rows()).isZero();
      });
      current.rollback();

      insertChunk(current, "unit-fenced", 2);
      assertThat(store().writeAndCommit(current, new Checkpoint(JOB, "unit-fenced", 2, List.of("2"), 2, 20, 1, false), true))
          .isTrue();
      insertChunk(current, "unit-fenced", 1);
      assertThat(store().writeAndCommit(current, new Checkpoint(JOB, "unit-fenced", 2, List.of("3"), 3, 30, 2, true), false))
          .as("the next chunk, in the transaction the last commit left open").isTrue();
      assertThat(chunkRows(old, "unit-fenced")).isEqualTo(3);
      assertThat(store().read(old, JOB, "unit-fenced")).hasValueSatisfying(cp -> {
        assertThat(cp.done()).isTrue();
        assertThat(cp.rows()).isEqualTo(3);
      });
      old.rollback();
    }
  }

  @Test
  void aResetEmptiesTheUnitFencesItsHoldersAndForgetsItsRejectedRows() throws SQLException {
    try (Connection holder = connect(); Connection rollback = connect()) {
      assertThat(store().takeOverAndBegin(holder, JOB, "unit-reset", 2)).isPresent();
      store().recordReject(holder, reject("unit-reset", "5"));
      assertThat(store().writeAndCommit(holder, new Checkpoint(JOB, "unit-reset", 2, List.of("9"), 8, 80, 1, false, 1), true))
          .isTrue();
      holder.rollback();
      assertThat(rejects(rollback, "unit-reset")).isEqualTo(1);

      store().reset(rollback, JOB, "unit-reset", 7);
      rollback.commit();
      assertThat(store().read(rollback, JOB, "unit-reset")).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isGreaterThanOrEqualTo(7);
        assertThat(cp.rows()).isZero();
        assertThat(cp.rejected()).isZero();
        assertThat(cp.lastKey()).isNull();
        assertThat(cp.done()).isFalse();
      });
      rollback.rollback();
      assertThat(rejects(rollback, "unit-reset")).isZero();
      assertThat(store().write(holder, new Checkpoint(JOB, "unit-reset", 2, List.of("12"), 11, 110, 2, false))).isFalse();
      holder.rollback();
      assertThat(store().takeOver(holder, JOB, "unit-reset", 8)).as("the next holder starts from nothing")
          .hasValueSatisfying(cp -> assertThat(cp.rows()).isZero());
      holder.commit();
    }
  }

  @Test
  void aRejectedRowIsRecordedOncePerKeyOfItsUnit() throws SQLException {
    try (Connection c = connect()) {
      store().recordReject(c, reject("unit-rejects", "5"));
      store().recordReject(c, reject("unit-rejects", "5"));
      store().recordReject(c, reject("unit-rejects", "6"));
      store().recordReject(c, new RejectedRow(JOB, "unit-rejects", null, "landing.items", Arrays.asList("x", null),
          List.of("id", "v"), "x\t\\N", true, "too long", null));
      c.commit();
      assertThat(rejects(c, "unit-rejects")).isEqualTo(3);
      assertThat(rejects(c, "unit-none")).isZero();
    }
  }

  /** The store may remember that it created the schema: a unit attempt still finds it again once dropped. */
  @Test
  void aSchemaDroppedSinceItWasEnsuredIsCreatedAgainByTheFirstStatementOfAUnit() throws SQLException {
    try (Connection c = connect()) {
      store().ensureSchema(c);
      dropStoreSchema(c);
      c.commit();
      store().ensureSchema(c);
      assertThat(store().read(c, JOB, "unit-dropped")).isEmpty();
      c.rollback();

      dropStoreSchema(c);
      c.commit();
      assertThat(store().takeOverAndBegin(c, JOB, "unit-dropped", 1)).hasValueSatisfying(cp -> {
        assertThat(cp.epoch()).isEqualTo(1);
        assertThat(cp.rows()).isZero();
      });
      store().recordReject(c, reject("unit-dropped", "1"));
      assertThat(store().writeAndCommit(c, new Checkpoint(JOB, "unit-dropped", 1, List.of("1"), 0, 0, 1, true, 1), false))
          .isTrue();
      assertThat(store().read(c, JOB, "unit-dropped")).hasValueSatisfying(cp -> assertThat(cp.rejected()).isEqualTo(1));
      c.rollback();
      assertThat(rejects(c, "unit-dropped")).isEqualTo(1);
    }
  }

  private static RejectedRow reject(String unit, String key) {
    return new RejectedRow(JOB, unit, "t1", "landing.items", List.of(key), List.of("tenant_id", "id", "v"),
        "t1\t" + key + "\tO'Brien ✓", false, "value too long", "22001");
  }

  private static void insertChunk(Connection c, String unit, int rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO chunk_rows (unit_id, id) VALUES (?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ps.setString(1, unit);
        ps.setInt(2, i);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static long chunkRows(Connection c, String unit) throws SQLException {
    return count(c, "SELECT count(*) FROM chunk_rows WHERE unit_id = ?", unit);
  }

  private static long rejects(Connection c, String unit) throws SQLException {
    return count(c, "SELECT count(*) FROM ferry.rejects WHERE job_id = '" + JOB + "' AND unit_id = ?", unit);
  }

  private static long count(Connection c, String sql, String unit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, unit);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        c.rollback();
        return n;
      }
    }
  }

}
