package io.ferry.worker.sqlserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
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
 * {@code ferry.checkpoints} on a SQL Server target, written with epoch fencing, and {@code ferry.rejects}
 * (the T-SQL: {@link SqlServerCheckpointSql}, {@link SqlServerCheckpointSchema}).
 *
 * <p>The {@code ferry} schema is created once per process and target (URL + user). Should it be dropped
 * later, the first statement of a unit attempt that fails finds it missing, creates it and runs once more.
 * Text is bound with {@code setNString}: the worker's connections send strings as {@code varchar} by
 * default, in the database's code page, which would lose what a key or payload holds beyond it.
 */
public final class SqlServerCheckpoints implements CheckpointStore {

  /** SQL Server's "invalid object name". Babelfish reports a missing table under a generic number. */
  private static final int INVALID_OBJECT_NAME = 208;

  /** Targets (URL + user) whose ferry schema this process has created or found. */
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  public SqlServerCheckpoints() {
  }

  @Override
  public void ensureSchema(Connection target) throws SQLException {
    String key = targetKey(target);
    if (ensured.contains(key)) {
      return;
    }
    try (Statement st = target.createStatement()) {
      for (String ddl : SqlServerCheckpointSchema.CREATE) {
        st.execute(ddl);
      }
      target.commit();
    } catch (SQLException e) {
      target.rollback();
      throw e;
    }
    ensured.add(key);
  }

  @Override
  public Optional<Checkpoint> read(Connection target, String jobId, String unitId) throws SQLException {
    return onSchema(target, () -> {
      try (PreparedStatement ps = target.prepareStatement(SqlServerCheckpointSql.READ)) {
        ps.setNString(1, jobId);
        ps.setNString(2, unitId);
        try (ResultSet rs = ps.executeQuery()) {
          return checkpoint(rs, jobId, unitId);
        }
      }
    });
  }

  @Override
  public Optional<Checkpoint> takeOver(Connection target, String jobId, String unitId, long epoch) throws SQLException {
    return takeOver(target, jobId, unitId, epoch, SqlServerCheckpointSql.TAKE_OVER);
  }

  @Override
  public Optional<Checkpoint> takeOverAndBegin(Connection target, String jobId, String unitId, long epoch)
      throws SQLException {
    return takeOver(target, jobId, unitId, epoch, SqlServerCheckpointSql.TAKE_OVER_AND_COMMIT);
  }

  private Optional<Checkpoint> takeOver(Connection target, String jobId, String unitId, long epoch, String sql)
      throws SQLException {
    return onSchema(target, () -> {
      try (PreparedStatement ps = target.prepareStatement(sql)) {
        bindUnit(ps, jobId, unitId);
        ps.setLong(3, epoch);
        return SqlServerBatch.run(ps, rs -> checkpoint(rs, jobId, unitId));
      }
    });
  }

  /**
   * With auto-commit off the next transaction opens with the next statement, so {@code beginNext} needs
   * nothing here.
   */
  @Override
  public boolean writeAndCommit(Connection target, Checkpoint cp, boolean beginNext) throws SQLException {
    return fencedWrite(target, cp, SqlServerCheckpointSql.WRITE_AND_COMMIT);
  }

  @Override
  public boolean write(Connection target, Checkpoint cp) throws SQLException {
    return fencedWrite(target, cp, SqlServerCheckpointSql.WRITE);
  }

  private boolean fencedWrite(Connection target, Checkpoint cp, String sql) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      bindCheckpoint(ps, cp);
      return SqlServerBatch.run(ps, rs -> rs.next() && rs.getInt(1) == 1);
    } catch (SQLException e) {
      if (e.getErrorCode() == INVALID_OBJECT_NAME) {
        // The chunk's transaction is lost with the schema; the unit's next attempt creates it again.
        ensured.remove(targetKey(target));
      }
      throw e;
    }
  }

  @Override
  public void reset(Connection target, String jobId, String unitId, long fenceEpoch) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(SqlServerCheckpointSql.RESET)) {
      bindUnit(ps, jobId, unitId);
      ps.setLong(3, fenceEpoch);
      SqlServerBatch.run(ps);
    }
  }

  @Override
  public void recordReject(Connection target, RejectedRow row) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(SqlServerCheckpointSql.REJECT)) {
      bindUnit(ps, row.jobId(), row.unitId());
      ps.setNString(3, fitting("tenant id", row.tenantId(), SqlServerCheckpointSchema.TENANT_ID_LENGTH));
      ps.setNString(4, fitting("table", row.table(), SqlServerCheckpointSchema.TABLE_NAME_LENGTH));
      ps.setNString(5, Json.encode(row.key()));
      ps.setNString(6, Json.encode(row.columns()));
      ps.setNString(7, row.payload());
      ps.setBoolean(8, row.payloadTruncated());
      ps.setNString(9, row.error());
      ps.setNString(10, fitting("SQLSTATE", row.sqlState(), SqlServerCheckpointSchema.SQL_STATE_LENGTH));
      SqlServerBatch.run(ps);
    }
  }

  /**
   * Runs the first statement of a unit attempt on the ferry schema. When it fails and the store's tables
   * are missing, although this process once ensured them (someone dropped them), the failed transaction
   * is rolled back (it holds nothing yet), the schema created again and the statement run once more. The
   * tables are looked up rather than the error trusted: SQL Server says 208, Babelfish a generic number.
   */
  private <T> T onSchema(Connection target, Work<T> work) throws SQLException {
    try {
      return work.run();
    } catch (SQLException e) {
      if (e.getErrorCode() != INVALID_OBJECT_NAME && !missing(target, e)) {
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

  private static boolean missing(Connection target, SQLException failure) {
    try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery(SqlServerCheckpointSchema.MISSING)) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (SQLException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  private static String targetKey(Connection target) throws SQLException {
    DatabaseMetaData meta = target.getMetaData();
    return meta.getURL() + "\n" + meta.getUserName();
  }

  /** Reads (epoch, last_key, rows, bytes, chunks, done, rejected): the checkpoint, or empty without a row. */
  static Optional<Checkpoint> checkpoint(ResultSet rs, String jobId, String unitId) throws SQLException {
    if (!rs.next()) {
      return Optional.empty();
    }
    String lastKey = rs.getString(2);
    try {
      return Optional.of(new Checkpoint(jobId, unitId, rs.getLong(1),
          lastKey == null ? null : Json.mapper().readValue(lastKey, new TypeReference<List<String>>() { }),
          rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getBoolean(6), rs.getLong(7)));
    } catch (JsonProcessingException e) {
      throw new SQLException("unreadable last_key in ferry.checkpoints for unit " + unitId + ": " + e.getOriginalMessage());
    }
  }

  /** The job and unit, the first two parameters of every batch. */
  private static void bindUnit(PreparedStatement ps, String jobId, String unitId) throws SQLException {
    ps.setNString(1, fitting("job id", jobId, SqlServerCheckpointSchema.JOB_ID_LENGTH));
    ps.setNString(2, fitting("unit id", unitId, SqlServerCheckpointSchema.UNIT_ID_LENGTH));
  }

  /** The nine parameters of {@link SqlServerCheckpointSql#WRITE}, in their order. */
  private static void bindCheckpoint(PreparedStatement ps, Checkpoint cp) throws SQLException {
    bindUnit(ps, cp.jobId(), cp.unitId());
    ps.setLong(3, cp.epoch());
    if (cp.lastKey() == null) {
      ps.setNull(4, Types.NVARCHAR);
    } else {
      ps.setNString(4, Json.encode(cp.lastKey()));
    }
    ps.setLong(5, cp.rows());
    ps.setLong(6, cp.bytes());
    ps.setInt(7, cp.chunks());
    ps.setBoolean(8, cp.done());
    ps.setLong(9, cp.rejected());
  }

  /**
   * The value, refused when longer than its T-SQL variable: a DECLAREd variable would cut it short
   * without a word, and a cut id would name another unit.
   */
  static String fitting(String what, String value, int max) {
    if (value != null && value.length() > max) {
      throw new IllegalArgumentException(
          what + " longer than the " + max + " characters Ferry's checkpoint tables keep of it: " + value);
    }
    return value;
  }
}
