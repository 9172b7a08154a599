package io.ferry.worker.verify;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.worker.Dialects;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The job-level verify unit (a slice without a table): what no range's unit sees, read from the target.
 * Today the rows the target rejected during the copy ({@code ferry.rejects}), per tenant and table;
 * foreign-key orphans are not checked yet, which its {@code scope} says.
 */
public final class JobChecks {

  static final String SCOPE = "job checks: rows the target rejected; foreign-key orphans not checked";

  private JobChecks() {
  }

  public static VerifyFindings run(Assignment assignment, ConnectionPools connections) throws SQLException {
    TargetDialect dialect = Dialects.target(assignment.target().engine());
    try (Connection target = connections.target(dialect, assignment.target())) {
      // Copy units created the schema; ensuring it keeps a job that copied nothing from failing here.
      dialect.checkpoints().ensureSchema(target);
      List<VerifyFindings.TableRows> rejected = dialect.checkpoints().rejectedRows(target, assignment.unit().jobId());
      if (!target.getAutoCommit()) {
        target.rollback();
      }
      return new VerifyFindings(0, 0, 0, 0, 0, List.of(), SCOPE, rejected);
    }
  }
}
