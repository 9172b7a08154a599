package io.ferry.worker.unit;

import io.ferry.protocol.LogContext;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.Dialects;
import io.ferry.worker.Failures;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.rate.RateGate;
import io.ferry.worker.verify.JobChecks;
import io.ferry.worker.verify.VerifyUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one assignment to its end on the calling thread (a blocking thread, never an event loop) and
 * turns every failure into a {@link UnitOutcome} whose message names job / tenant / table / range.
 */
public final class UnitExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(UnitExecutor.class);

  private final ConnectionPools connections;

  /** Opens and closes its connections per unit attempt (tools and tests). */
  public UnitExecutor() {
    this(ConnectionPools.unpooled());
  }

  /** Borrows its connections from {@code connections} (a worker's pools; the caller closes them). */
  public UnitExecutor(ConnectionPools connections) {
    this.connections = connections;
  }

  public UnitOutcome execute(Assignment assignment, UnitControl control, ProgressListener progress) {
    return execute(assignment, control, progress, RateGate.NONE);
  }

  /** Runs the unit with its job, id and tenant in the thread's log context, so every line it logs names them. */
  public UnitOutcome execute(Assignment assignment, UnitControl control, ProgressListener progress, RateGate rate) {
    try (LogContext ignored = LogContext.of(assignment.unit())) {
      return run(assignment, control, progress, rate);
    }
  }

  private UnitOutcome run(Assignment assignment, UnitControl control, ProgressListener progress, RateGate rate) {
    WorkUnit unit = assignment.unit();
    long started = System.nanoTime();
    try {
      UnitOutcome outcome = switch (unit.kind()) {
        case COPY -> new CopyUnit(assignment, source(assignment), target(assignment), connections, control, progress, rate).run();
        case PREPARE, FINISH, RESTORE -> new StatementUnit(assignment, target(assignment), connections).run();
        case ROLLBACK -> new RollbackUnit(assignment, target(assignment), connections).run();
        case REPAIR -> new RepairUnit(assignment, source(assignment), target(assignment), connections, rate).run();
        case VERIFY -> UnitOutcome.verified(unit.slice().table() == null ? JobChecks.run(assignment, connections)
            : new VerifyUnit(assignment, connections, rate).run());
        case SURVEY -> UnitOutcome.failed(unit.describe() + ": this worker does not execute "
            + unit.kind().wireName() + " units yet", false, 0, 0);
      };
      LOG.info("{}: {} in {} ms ({} rows)", unit.describe(), outcome.ok() ? "done" : outcome.error(),
          (System.nanoTime() - started) / 1_000_000, outcome.rows());
      return outcome;
    } catch (CopyUnit.LeaseLostOnWrite e) {
      LOG.info("{}: a newer lease holds the checkpoint; rolled back", unit.describe());
      return UnitOutcome.failed(UnitOutcome.LEASE_LOST, false, 0, 0);
    } catch (Exception e) {
      String message = unit.describe() + ": " + Failures.message(e, secrets(assignment));
      boolean retryable = Failures.retryable(e);
      LOG.warn("{} ({})", message, retryable ? "retryable" : "not retryable");
      return UnitOutcome.failed(message, retryable, 0, 0);
    }
  }

  private static SourceDialect source(Assignment a) {
    return Dialects.source(a.source().engine());
  }

  private static TargetDialect target(Assignment a) {
    return Dialects.target(a.target().engine());
  }

  /** The resolved passwords, so that no message can echo one. */
  private static String[] secrets(Assignment a) {
    List<String> out = new ArrayList<>();
    for (Endpoint c : new Endpoint[] {a.source(), a.target()}) {
      if (c == null || c.password() == null) {
        continue;
      }
      out.add(c.password());
      try {
        out.add(Secret.resolve(c.password()));
      } catch (IllegalArgumentException ignored) {
        // an unresolvable reference cannot leak a value
      }
    }
    return out.toArray(String[]::new);
  }
}
