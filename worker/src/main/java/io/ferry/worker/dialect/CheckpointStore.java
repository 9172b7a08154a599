package io.ferry.worker.dialect;

import io.ferry.protocol.Json;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.Checkpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The target's {@code ferry.checkpoints} table. */
public interface CheckpointStore {

  /**
   * Creates the {@code ferry} schema if missing (committing); safe when many workers do it at once. An
   * implementation may remember per process that a target has it and then do nothing, so {@link #read}
   * and {@link #takeOver} must cope with a schema dropped since.
   */
  void ensureSchema(Connection target) throws SQLException;

  /**
   * The unit's checkpoint. Meant as the first statement of a transaction: if the schema has vanished, the
   * open transaction is rolled back, the schema created again and the read repeated.
   */
  Optional<Checkpoint> read(Connection target, String jobId, String unitId) throws SQLException;

  /**
   * A new lease holder's first step: stamps {@code epoch} on the unit's checkpoint (creating an empty
   * one if there is none) and returns the progress it holds, in the connection's open transaction
   * (the caller commits). From that commit on, an older holder still finishing a chunk can no longer
   * commit it, so the progress returned here is the progress this holder resumes from. Without this
   * step an older holder could commit a chunk between the new holder's read and its first write, and
   * the new holder would copy those rows again. Meant as the first statement of a transaction, like
   * {@link #read} (a vanished schema is created again).
   *
   * @return empty when a newer epoch already holds the checkpoint: this holder's lease is lost
   */
  Optional<Checkpoint> takeOver(Connection target, String jobId, String unitId, long epoch) throws SQLException;

  /**
   * {@link #takeOver}, committed at once, leaving a new transaction open for the unit's first chunk; in
   * one round trip where the database allows. A copy unit starts this way: its epoch fences older holders
   * from then on, whatever becomes of its first chunk.
   *
   * @return empty when a newer epoch already holds the checkpoint: this holder's lease is lost
   */
  Optional<Checkpoint> takeOverAndBegin(Connection target, String jobId, String unitId, long epoch) throws SQLException;

  /**
   * {@link #write} and the commit of the open transaction, in one round trip where the database allows;
   * with {@code beginNext}, a new transaction is left open for the next chunk.
   *
   * @return false when another worker holds a newer lease on the unit: nothing was committed, and the
   *     transaction is rolled back
   */
  boolean writeAndCommit(Connection target, Checkpoint checkpoint, boolean beginNext) throws SQLException;

  /**
   * Writes the checkpoint in the connection's open transaction unless a newer epoch already holds it.
   *
   * @return false when another worker holds a newer lease on the unit: the caller must roll back
   */
  boolean write(Connection target, Checkpoint checkpoint) throws SQLException;

  /**
   * A rollback's first step for each copy unit it rolls back, in the connection's open transaction:
   * the unit's checkpoint back to nothing copied, stamped with at least {@code fenceEpoch}. It takes the
   * checkpoint row's lock before the rows are deleted, so a chunk an old holder of the unit commits
   * meanwhile is either committed before (and its rows deleted too) or refused by the newer epoch. The
   * unit's rejected rows go with it ({@code ferry.rejects} and the count): copied again, they are found again.
   */
  void reset(Connection target, String jobId, String unitId, long fenceEpoch) throws SQLException;

  /**
   * Records a rejected row in the connection's open transaction; the caller writes the checkpoint that
   * moves past the row's key in the same transaction, so the row is recorded exactly once. Recording the
   * same key of the same unit again replaces the record.
   */
  void recordReject(Connection target, RejectedRow row) throws SQLException;

  /**
   * The source keys (one text value per key column, as the copy read them) of the rows of one tenant's target
   * table that the target rejected during job {@code jobId}'s copy: a repair leaves them out, as the copy did.
   */
  default List<List<String>> rejectedKeys(Connection target, String jobId, String tenantId, String table) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT row_key FROM ferry.rejects"
        + " WHERE job_id = ? AND tenant_id = ? AND table_name = ?")) {
      ps.setString(1, jobId);
      ps.setString(2, tenantId);
      ps.setString(3, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Arrays.asList(Json.decode(rs.getString(1), String[].class)));
        }
      }
    }
    return out;
  }

  /**
   * The rows of job {@code jobId} the target rejected ({@code ferry.rejects}), counted per tenant and table,
   * in tenant and table order.
   */
  default List<VerifyFindings.TableRows> rejectedRows(Connection target, String jobId) throws SQLException {
    List<VerifyFindings.TableRows> out = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT tenant_id, table_name, count(*) FROM ferry.rejects"
        + " WHERE job_id = ? GROUP BY tenant_id, table_name ORDER BY tenant_id, table_name")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new VerifyFindings.TableRows(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }
}
