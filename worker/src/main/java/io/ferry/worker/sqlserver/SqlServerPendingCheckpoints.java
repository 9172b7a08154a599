package io.ferry.worker.sqlserver;

import io.ferry.protocol.unit.Checkpoint;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.RejectedRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Stands in for the SQL Server checkpoint store until it is merged: creates the schema, refuses the rest. */
final class SqlServerPendingCheckpoints implements CheckpointStore {

  @Override
  public void ensureSchema(Connection target) throws SQLException {
    try (Statement st = target.createStatement()) {
      st.execute("IF SCHEMA_ID(N'ferry') IS NULL EXEC(N'CREATE SCHEMA ferry')");
    }
    target.commit();
  }

  @Override
  public Optional<Checkpoint> read(Connection target, String jobId, String unitId) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }

  @Override
  public Optional<Checkpoint> takeOver(Connection target, String jobId, String unitId, long epoch) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }

  @Override
  public Optional<Checkpoint> takeOverAndBegin(Connection target, String jobId, String unitId, long epoch) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }

  @Override
  public boolean writeAndCommit(Connection target, Checkpoint checkpoint, boolean beginNext) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }

  @Override
  public boolean write(Connection target, Checkpoint checkpoint) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }

  @Override
  public void reset(Connection target, String jobId, String unitId, long fenceEpoch) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }

  @Override
  public void recordReject(Connection target, RejectedRow row) {
    throw new UnsupportedOperationException("SQL Server checkpoints are not available in this build");
  }
}
