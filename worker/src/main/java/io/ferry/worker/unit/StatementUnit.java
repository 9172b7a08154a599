package io.ferry.worker.unit;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a prepare, finish or restore unit: after its {@link TakeOver}, its
 * statements and its done checkpoint in one target transaction. PostgreSQL DDL is transactional (including {@code ANALYZE}; only {@code VACUUM} and
 * {@code CREATE INDEX CONCURRENTLY} are not), so a crash leaves either all of it or none. The job-level
 * finish first restores the constraints the job recorded as dropped ({@code ferry.dropped_constraints});
 * a restore unit does only that.
 */
final class StatementUnit {

  private static final Logger LOG = LoggerFactory.getLogger(StatementUnit.class);

  private final Assignment assignment;
  private final WorkUnit unit;
  private final TargetDialect targetDialect;
  private final ConnectionPools connections;

  StatementUnit(Assignment assignment, TargetDialect targetDialect, ConnectionPools connections) {
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
      List<String> statements = assignment.statements() == null ? List.of() : assignment.statements();
      if (unit.kind() == io.ferry.protocol.unit.UnitKind.PREPARE) {
        targetDialect.serializePrepare(target);
      }
      targetDialect.boundLockWaits(target);
      targetDialect.nameUnit(target, unit.jobId(), unit.id());
      if (unit.kind() == io.ferry.protocol.unit.UnitKind.RESTORE
          || unit.kind() == io.ferry.protocol.unit.UnitKind.FINISH && unit.slice().table() == null) {
        // First, so that a dropped key comes back as it was, and the plan's keys of the same name are then skipped.
        int restored = targetDialect.restoreConstraints(target, unit.jobId());
        if (restored > 0) {
          LOG.info("{}: {} constraint(s) recorded as dropped restored", unit.describe(), restored);
        }
      }
      try (Statement st = target.createStatement()) {
        for (int i = 0; i < statements.size(); i++) {
          String sql = statements.get(i);
          LOG.debug("{}: step {}/{}: {}", unit.describe(), i + 1, statements.size(), sql);
          try {
            st.execute(sql);
          } catch (SQLException e) {
            target.rollback();
            throw new StatementFailed(i + 1, statements.size(), sql, e);
          }
        }
      }
      return takeOver.commitDone(0, 0);
    }
  }

  /** Names the failing statement, so the error says what was being built. */
  static final class StatementFailed extends SQLException {
    StatementFailed(int step, int steps, String sql, SQLException cause) {
      super(cause.getMessage() + " (statement " + step + " of " + steps + ": "
          + (sql.length() > 300 ? sql.substring(0, 300) + "…" : sql) + ")", cause.getSQLState(), cause);
    }
  }
}
