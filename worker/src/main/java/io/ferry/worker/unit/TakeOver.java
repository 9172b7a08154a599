package io.ferry.worker.unit;

import io.ferry.protocol.unit.Checkpoint;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.dialect.CheckpointStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The first step of a unit that runs in one target transaction (prepare, finish, restore, rollback): its
 * lease epoch stamped on its checkpoint, committed, with a new transaction left open. From then on a holder
 * of an older lease (a worker thawed after its lease ran out) cannot commit, and a holder of a newer one
 * that stamped first makes this one stop; two holders never both run the same statements.
 *
 * @param checkpoint the unit's checkpoint (null when the lease is lost)
 */
record TakeOver(Checkpoint checkpoint) {

  static TakeOver begin(CheckpointStore store, Connection target, WorkUnit unit) throws SQLException {
    store.ensureSchema(target);
    Optional<Checkpoint> own = store.takeOverAndBegin(target, unit.jobId(), unit.id(), unit.lease().epoch());
    if (own.isPresent()) {
      return new TakeOver(own.get());
    }
    // A newer holder stamped first; if it already finished, the unit is done whatever epoch did it.
    Optional<Checkpoint> current = store.read(target, unit.jobId(), unit.id());
    target.rollback();
    return new TakeOver(current.filter(Checkpoint::done).orElse(null));
  }

  boolean lost() {
    return checkpoint == null;
  }

  /** Done under this epoch or another: its statements must not run twice. */
  boolean done() {
    return checkpoint != null && checkpoint.done();
  }
}
