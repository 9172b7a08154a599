package io.ferry.worker.unit;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.RowDeletion;
import io.ferry.worker.dialect.PlanNames;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TenantColumn;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a rollback unit: deletes the target rows of its copy units and resets their checkpoints, in
 * <em>one</em> target transaction together with its own done checkpoint, so a crash leaves all of it or
 * none. Steps:
 *
 * <ol>
 *   <li>take over its own checkpoint (as every unit does): an older holder of this rollback can no longer
 *       commit; already done → nothing to do (the coordinator lost the result);</li>
 *   <li>reset each copy unit's checkpoint, stamped with its epoch + 1: this locks the checkpoint rows
 *       first, so a chunk that an old holder of a copy unit (frozen past its lease) commits is either
 *       committed before — and, under read committed, seen and deleted by the next statement — or refused
 *       afterwards by the newer epoch;</li>
 *   <li>drop the foreign keys among its tables: they are emptied and copied again in no particular order.
 *       Each is recorded in {@code ferry.dropped_constraints} and the job's last finish checkpoint is
 *       marked not done, so that finish runs again after the copies and restores them, even after a
 *       coordinator restart; a foreign key from or to a table outside the rollback stays and is enforced;</li>
 *   <li>delete the rows: per tenant table by the tenant alone (exact for every key), or one copy unit's
 *       range (the unit's own {@code range} is then set). Tables referenced by a foreign key from
 *       another table of the rollback must lose their rows after it: each delete runs under a savepoint,
 *       one refused by a foreign key waits for the next round, until a round makes no progress;</li>
 *   <li>write its own done checkpoint (fenced by its epoch) with the rows deleted, and commit.</li>
 * </ol>
 */
final class RollbackUnit {

  private static final Logger LOG = LoggerFactory.getLogger(RollbackUnit.class);

  private final Assignment assignment;
  private final WorkUnit unit;
  private final TargetDialect targetDialect;
  private final ConnectionPools connections;

  RollbackUnit(Assignment assignment, TargetDialect targetDialect, ConnectionPools connections) {
    this.assignment = assignment;
    this.unit = assignment.unit();
    this.targetDialect = targetDialect;
    this.connections = connections;
  }

  UnitOutcome run() throws SQLException {
    CheckpointStore store = targetDialect.checkpoints();
    try (Connection target = connections.target(targetDialect, assignment.target())) {
      TakeOver takeOver = TakeOver.begin(store, target, unit);
      UnitOutcome skipped = takeOver.skip();
      if (skipped != null) {
        return skipped;
      }
      try {
        for (WorkUnit copy : assignment.copyUnits()) {
          store.reset(target, copy.jobId(), copy.id(), copy.lease().epoch() + 1);
        }
        LOG.info("{}: step 1 - {} copy checkpoint(s) reset", unit.describe(), assignment.copyUnits().size());
        List<RowDeletion> deletions = deletions();
        int dropped = targetDialect.dropForeignKeysAmong(target, deletions.stream().map(RowDeletion::table).distinct().toList(),
            unit.jobId(), unit.id());
        if (dropped > 0) {
          LOG.info("{}: step 2 - {} foreign key(s) among its tables dropped and recorded; the job's last finish restores them",
              unit.describe(), dropped);
        }
        long deleted = delete(target, deletions);
        return takeOver.commitDone(deleted, 0);
      } catch (SQLException | RuntimeException e) {
        target.rollback();
        throw e;
      }
    }
  }

  /** One deletion per tenant table of the copy units (in their order); one range when the unit has one. */
  List<RowDeletion> deletions() {
    String tenantColumn = TenantColumn.of(assignment.tenantColumn()).name();
    if (unit.slice().range() != null) {
      return List.of(new RowDeletion(TableName.parse(unit.slice().table()), tenantColumn, unit.slice().tenantId(),
          onTarget(SplitKey.of(assignment.plan())), unit.slice().range()));
    }
    Map<String, RowDeletion> byTable = new LinkedHashMap<>();
    for (WorkUnit copy : assignment.copyUnits()) {
      byTable.putIfAbsent(copy.slice().tenantId() + "\n" + copy.slice().table(),
          new RowDeletion(TableName.parse(copy.slice().table()), tenantColumn, copy.slice().tenantId(), null, null));
    }
    return List.copyOf(byTable.values());
  }

  /** The plan's key as the target names its columns (a range is deleted on the target). */
  private SplitKey onTarget(SplitKey key) {
    return key == null ? null : key.withColumns(PlanNames.onTarget(assignment.plan(), key.columns()));
  }

  private long delete(Connection target, List<RowDeletion> deletions) throws SQLException {
    List<RowDeletion> left = new ArrayList<>(deletions);
    long deleted = 0;
    SQLException blocked = null;
    for (int round = 1; !left.isEmpty(); round++) {
      List<RowDeletion> next = new ArrayList<>();
      for (RowDeletion d : left) {
        // Never released: savepoints end with the transaction, and SQL Server has no RELEASE SAVEPOINT.
        Savepoint before = target.setSavepoint();
        try {
          long rows = targetDialect.deleteRows(target, d);
          deleted += rows;
          LOG.info("{}: step 3 - {} row(s) of {} deleted", unit.describe(), rows, d);
        } catch (SQLException e) {
          if (!targetDialect.referencedByForeignKey(e)) {
            throw e;
          }
          target.rollback(before);
          blocked = e;
          next.add(d);
        }
      }
      if (next.size() == left.size()) {
        // Rows outside this rollback still reference them: deleting them would break the foreign key.
        throw blocked;
      }
      LOG.debug("{}: round {} left {} table(s) referenced by others", unit.describe(), round, next.size());
      left = next;
    }
    return deleted;
  }
}
