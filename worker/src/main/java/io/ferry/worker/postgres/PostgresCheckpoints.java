package io.ferry.worker.postgres;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ferry.protocol.CheckpointSchema;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.Checkpoint;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.RejectedRow;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ferry.checkpoints} on a PostgreSQL target, written with epoch fencing, and {@code ferry.rejects}.
 *
 * <p>The {@code ferry} schema is created once per process and target (URL + user), not at every unit
 * attempt: creating it takes a cluster-wide advisory lock and three catalog checks, which serialised the
 * start of every unit on every worker. Should the schema be dropped later, the first statement that
 * misses it (undefined table or schema) creates it again and runs once more.
 */
final class PostgresCheckpoints implements CheckpointStore {

  /**
   * The upsert only replaces a row whose epoch is not newer than ours: a worker whose lease moved to
   * another worker (which claimed with a higher epoch) updates nothing and must roll back.
   */
  private static final String WRITE = """
      INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done, rejected, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
      ON CONFLICT (job_id, unit_id) DO UPDATE SET epoch = EXCLUDED.epoch, last_key = EXCLUDED.last_key,
        rows = EXCLUDED.rows, bytes = EXCLUDED.bytes, chunks = EXCLUDED.chunks, done = EXCLUDED.done,
        rejected = EXCLUDED.rejected, updated_at = EXCLUDED.updated_at
      WHERE ferry.checkpoints.epoch <= EXCLUDED.epoch""";

  /**
   * One statement, so it is atomic against a concurrent chunk commit of an older holder: that commit's
   * upsert holds the row lock until it commits, and ON CONFLICT then sees the committed row.
   *
   * <p>Only a <em>newer</em> epoch takes a unit over (chunk writes accept their own epoch): every claim
   * raises the epoch, so a second take-over at the same epoch means the coordinator handed it out twice,
   * which it can only do after the target server lost its record of the lease (the coordinator records
   * leases without waiting for their WAL flush) and it restarted. The second holder is refused.
   */
  private static final String TAKE_OVER = """
      INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done, updated_at)
      VALUES (?, ?, ?, NULL, 0, 0, 0, false, now())
      ON CONFLICT (job_id, unit_id) DO UPDATE SET epoch = EXCLUDED.epoch, updated_at = EXCLUDED.updated_at
      WHERE ferry.checkpoints.epoch < EXCLUDED.epoch
      RETURNING epoch, last_key, rows, bytes, chunks, done, rejected""";

  /**
   * {@link #TAKE_OVER}, its COMMIT and the next transaction's BEGIN in one round trip: the epoch is
   * committed on its own (it must fence older holders whatever becomes of this holder's first chunk), and
   * the chunk's COPY then finds its transaction open (PgJDBC would otherwise send a BEGIN of its own, and
   * wait for it, before the COPY).
   *
   * <p>The take-over commits without waiting for its WAL flush ({@code synchronous_commit = off} for
   * that transaction only). Fencing needs the new epoch <em>visible</em> to the other sessions, which an
   * asynchronous commit is at once; it needs it <em>durable</em> only once this holder's rows are, and
   * the first chunk's commit, synchronous, flushes the WAL up to and past the take-over's commit record.
   * A server crash in between loses both together, and with them this holder's connection. Under load the
   * wait was for the other units' COPY data in the WAL ahead of it: several milliseconds per unit.
   */
  private static final String TAKE_OVER_AND_BEGIN = TAKE_OVER + "; SET LOCAL synchronous_commit = off; COMMIT; BEGIN";

  /** The fenced write (raising {@link CheckpointSchema#STALE_EPOCH}) and the COMMIT, in one round trip. */
  private static final String WRITE_AND_COMMIT = "SELECT ferry.write_checkpoint(?, ?, ?, ?, ?, ?, ?, ?, ?); COMMIT";

  private static final String RESET = """
      INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done, updated_at)
      VALUES (?, ?, ?, NULL, 0, 0, 0, false, now())
      ON CONFLICT (job_id, unit_id) DO UPDATE SET epoch = GREATEST(ferry.checkpoints.epoch, EXCLUDED.epoch),
        last_key = NULL, rows = 0, bytes = 0, chunks = 0, done = false, rejected = 0, updated_at = EXCLUDED.updated_at""";

  /** A reset unit is copied again: its rows the target rejected are found and recorded again. */
  private static final String FORGET_REJECTS = "DELETE FROM ferry.rejects WHERE job_id = ? AND unit_id = ?";

  private static final String READ = """
      SELECT epoch, last_key, rows, bytes, chunks, done, rejected FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ?""";

  /** A key recorded again (possible only after its unit's checkpoint was reset) replaces the old record. */
  private static final String REJECT = """
      INSERT INTO ferry.rejects (job_id, unit_id, tenant_id, table_name, row_key, columns, payload, payload_truncated,
        error, sql_state, rejected_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
      ON CONFLICT (job_id, unit_id, row_key) DO UPDATE SET tenant_id = EXCLUDED.tenant_id,
        table_name = EXCLUDED.table_name, columns = EXCLUDED.columns, payload = EXCLUDED.payload,
        payload_truncated = EXCLUDED.payload_truncated, error = EXCLUDED.error, sql_state = EXCLUDED.sql_state,
        rejected_at = EXCLUDED.rejected_at""";

  /** Targets (URL + user) whose ferry schema this process has created or found. */
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  @Override
  public void ensureSchema(Connection target) throws SQLException {
    String key = targetKey(target);
    if (ensured.contains(key)) {
      return;
    }
    createSchema(target);
    ensured.add(key);
  }

  private static void createSchema(Connection target) throws SQLException {
    try (Statement st = target.createStatement()) {
      for (String ddl : CheckpointSchema.POSTGRESQL) {
        st.execute(ddl);
      }
      target.commit();
    } catch (SQLException e) {
      target.rollback();
      throw e;
    }
  }

  @Override
  public Optional<Checkpoint> read(Connection target, String jobId, String unitId) throws SQLException {
    return onSchema(target, () -> {
      try (PreparedStatement ps = target.prepareStatement(READ)) {
        ps.setString(1, jobId);
        ps.setString(2, unitId);
        return checkpoint(ps, jobId, unitId);
      }
    });
  }

  @Override
  public Optional<Checkpoint> takeOver(Connection target, String jobId, String unitId, long epoch) throws SQLException {
    return onSchema(target, () -> {
      try (PreparedStatement ps = target.prepareStatement(TAKE_OVER)) {
        ps.setString(1, jobId);
        ps.setString(2, unitId);
        ps.setLong(3, epoch);
        return checkpoint(ps, jobId, unitId);
      }
    });
  }

  @Override
  public Optional<Checkpoint> takeOverAndBegin(Connection target, String jobId, String unitId, long epoch) throws SQLException {
    return onSchema(target, () -> {
      try (PreparedStatement ps = target.prepareStatement(TAKE_OVER_AND_BEGIN)) {
        ps.setString(1, jobId);
        ps.setString(2, unitId);
        ps.setLong(3, epoch);
        ps.execute();
        try (ResultSet rs = ps.getResultSet()) {
          return checkpoint(rs, jobId, unitId);
        }
      }
    });
  }

  @Override
  public boolean writeAndCommit(Connection target, Checkpoint cp, boolean beginNext) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(beginNext ? WRITE_AND_COMMIT + "; BEGIN" : WRITE_AND_COMMIT)) {
      bindCheckpoint(ps, cp);
      ps.execute();
      return true;
    } catch (SQLException e) {
      if (CheckpointSchema.STALE_EPOCH.equals(e.getSQLState())) {
        target.rollback();
        return false;
      }
      if (missingSchema(e)) {
        ensured.remove(targetKey(target));
      }
      throw e;
    }
  }

  /**
   * Runs the first statement of a unit attempt on the ferry schema. When the schema or table is missing
   * although this process once ensured it (someone dropped it), the failed transaction is rolled back —
   * it holds nothing yet — the schema is created again and the statement runs once more.
   */
  private <T> T onSchema(Connection target, Work<T> work) throws SQLException {
    try {
      return work.run();
    } catch (SQLException e) {
      if (!missingSchema(e)) {
        throw e;
      }
      if (!target.getAutoCommit()) {
        target.rollback();
      }
      ensured.remove(targetKey(target));
      ensureSchema(target);
      return work.run();
    }
  }

  /** 42P01 undefined_table, 3F000 invalid_schema_name, 42883 undefined_function ({@code ferry.write_checkpoint}). */
  static boolean missingSchema(SQLException e) {
    return "42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState()) || "42883".equals(e.getSQLState());
  }

  private static String targetKey(Connection target) throws SQLException {
    DatabaseMetaData meta = target.getMetaData();
    return meta.getURL() + "\n" + meta.getUserName();
  }

  /** Runs a query returning (epoch, last_key, rows, bytes, chunks, done, rejected): the checkpoint, or empty without a row. */
  private static Optional<Checkpoint> checkpoint(PreparedStatement ps, String jobId, String unitId) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return checkpoint(rs, jobId, unitId);
    }
  }

  private static Optional<Checkpoint> checkpoint(ResultSet rs, String jobId, String unitId) throws SQLException {
    try {
      if (!rs.next()) {
        return Optional.empty();
      }
      String lastKey = rs.getString(2);
      return Optional.of(new Checkpoint(jobId, unitId, rs.getLong(1),
          lastKey == null ? null : Json.mapper().readValue(lastKey, new TypeReference<List<String>>() { }),
          rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getBoolean(6), rs.getLong(7)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("unreadable last_key in ferry.checkpoints for unit " + unitId + ": " + e.getOriginalMessage());
    }
  }

  @Override
  public void reset(Connection target, String jobId, String unitId, long fenceEpoch) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(RESET)) {
      ps.setString(1, jobId);
      ps.setString(2, unitId);
      ps.setLong(3, fenceEpoch);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = target.prepareStatement(FORGET_REJECTS)) {
      ps.setString(1, jobId);
      ps.setString(2, unitId);
      ps.executeUpdate();
    }
  }

  @Override
  public boolean write(Connection target, Checkpoint cp) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(WRITE)) {
      bindCheckpoint(ps, cp);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      if (missingSchema(e)) {
        // The chunk's transaction is lost with the schema; the unit's next attempt creates it again.
        ensured.remove(targetKey(target));
      }
      throw e;
    }
  }

  /** The nine parameters of {@link #WRITE} and {@code ferry.write_checkpoint}, in their order. */
  private static void bindCheckpoint(PreparedStatement ps, Checkpoint cp) throws SQLException {
    ps.setString(1, cp.jobId());
    ps.setString(2, cp.unitId());
    ps.setLong(3, cp.epoch());
    if (cp.lastKey() == null) {
      ps.setNull(4, Types.VARCHAR);
    } else {
      ps.setString(4, Json.encode(cp.lastKey()));
    }
    ps.setLong(5, cp.rows());
    ps.setLong(6, cp.bytes());
    ps.setInt(7, cp.chunks());
    ps.setBoolean(8, cp.done());
    ps.setLong(9, cp.rejected());
  }

  @Override
  public void recordReject(Connection target, RejectedRow row) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(REJECT)) {
      ps.setString(1, row.jobId());
      ps.setString(2, row.unitId());
      ps.setString(3, row.tenantId());
      ps.setString(4, row.table());
      ps.setString(5, Json.encode(row.key()));
      ps.setString(6, Json.encode(row.columns()));
      ps.setString(7, row.payload());
      ps.setBoolean(8, row.payloadTruncated());
      ps.setString(9, row.error());
      ps.setString(10, row.sqlState());
      ps.executeUpdate();
    }
  }
}
