package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.worker.Units;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A job's preflight, prepares, one copy unit per tenant table and finishes, run as a coordinator would schedule them;
 * and the ranges its verify units compare.
 */
final class SqlServerJobCopy {

  private SqlServerJobCopy() {
  }

  /**
   * @param source each plan's source connection
   * @return the job's plans
   */
  static List<TablePlan> run(UnitExecutor executor, JobSpec spec, Function<TablePlan, Endpoint> source, Endpoint target) {
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    reply.plans().forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    TablePlan first = reply.plans().get(0);
    String job = spec.name();
    ok(executor, Units.statements("prepare-types", job, UnitKind.PREPARE, first,
        reply.plans().stream().flatMap(p -> p.ddl().types().stream()).distinct().toList(), source.apply(first), target));
    for (TablePlan p : byTarget.values()) {
      ok(executor, Units.statements("prepare-" + p.targetTable(), job, UnitKind.PREPARE, p, p.ddl().prepare(), source.apply(p),
          target));
    }
    int units = 0;
    for (TablePlan p : reply.plans()) {
      ok(executor, Units.copy("copy-" + units++, job, p, KeyRange.ALL, 1, source.apply(p), target,
          spec.target().tenantColumn(), 500));
    }
    for (TablePlan p : byTarget.values()) {
      ok(executor, Units.statements("finish-" + p.targetTable(), job, UnitKind.FINISH, p, p.ddl().finish(), source.apply(p),
          target));
    }
    return reply.plans();
  }

  /** Three ranges of a plan's key, cut at the source's own points. */
  static List<KeyRange> ranges(Endpoint source, TablePlan p) throws SQLException {
    SqlServerSource dialect = new SqlServerSource();
    try (Connection c = dialect.connect(source)) {
      SourceTable table = dialect.describe(c, TableName.parse(p.sourceTable()), new ArrayList<>());
      return Units.ranges(dialect.sampleKey(c, table, SplitKey.of(p), 9, 2).quantiles(), 3);
    }
  }

  private static void ok(UnitExecutor executor, Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }
}
