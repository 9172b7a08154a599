package io.ferry.worker.unit;

import io.ferry.protocol.unit.Checkpoint;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.dialect.CheckpointStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first and last steps of a unit that runs in one target transaction (prepare, finish, restore, rollback,
 * repair). First its lease epoch stamped on its checkpoint, committed, with a new transaction left open: from then on
 * a holder of an older lease (a worker thawed after its lease ran out) cannot commit, and a holder of a newer one
 * that stamped first makes this one stop; two holders never both run the same statements. Last its done checkpoint,
 * fenced by that epoch, committed together with the unit's work.
 */
final class TakeOver {

  private static final Logger LOG = LoggerFactory.getLogger(TakeOver.class);

  private final CheckpointStore store;
  private final Connection target;
  private final WorkUnit unit;
  /** The unit's checkpoint (null when the lease is lost). */
  private final Checkpoint checkpoint;

  private TakeOver(CheckpointStore store, Connection target, WorkUnit unit, Checkpoint checkpoint) {
    this.store = store;
    this.target = target;
    this.unit = unit;
    this.checkpoint = checkpoint;
  }

  static TakeOver begin(CheckpointStore store, Connection target, WorkUnit unit) throws SQLException {
    store.ensureSchema(target);
    Optional<Checkpoint> own = store.takeOverAndBegin(target, unit.jobId(), unit.id(), unit.lease().epoch());
    if (own.isPresent()) {
      return new TakeOver(store, target, unit, own.get());
    }
    // A newer holder stamped first; if it already finished, the unit is done whatever epoch did it.
    Optional<Checkpoint> current = store.read(target, unit.jobId(), unit.id());
    target.rollback();
    return new TakeOver(store, target, unit, current.filter(Checkpoint::done).orElse(null));
  }

  /**
   * What the unit answers without running, or null when it is to run: its lease lost (retryable: see CopyUnit), or
   * done already under this epoch or another (the coordinator lost the result), its statements never run twice.
   */
  UnitOutcome skip() throws SQLException {
    if (checkpoint == null) {
      return UnitOutcome.failed(UnitOutcome.LEASE_LOST, true, 0, 0);
    }
    if (checkpoint.done()) {
      target.rollback();
      LOG.info("{}: already done ({} rows), nothing to do", unit.describe(), checkpoint.rows());
      return UnitOutcome.ok(checkpoint.rows(), checkpoint.bytes());
    }
    return null;
  }

  /** Writes the done checkpoint and commits the unit's work with it, unless a newer holder stamped meanwhile. */
  UnitOutcome commitDone(long rows, long bytes) throws SQLException {
    Checkpoint done = new Checkpoint(unit.jobId(), unit.id(), unit.lease().epoch(), null, rows, bytes, 0, true);
    if (!store.writeAndCommit(target, done, false)) {
      return UnitOutcome.failed(UnitOutcome.LEASE_LOST, false, 0, 0);
    }
    return UnitOutcome.ok(rows, bytes);
  }
}
