package io.ferry.worker.dialect;

import io.ferry.protocol.unit.Checkpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** The target's {@code ferry.checkpoints} table. */
public interface CheckpointStore {

  /** Creates the {@code ferry} schema if missing; safe when many workers do it at once. Commits. */
  void ensureSchema(Connection target) throws SQLException;

  Optional<Checkpoint> read(Connection target, String jobId, String unitId) throws SQLException;

  /**
   * Writes the checkpoint in the connection's open transaction unless a newer epoch already holds it.
   *
   * @return false when another worker holds a newer lease on the unit: the caller must roll back
   */
  boolean write(Connection target, Checkpoint checkpoint) throws SQLException;
}
