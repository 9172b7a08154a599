package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.verify.TableChecksum;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job run in-process the way a coordinator would schedule it: the job's type prepare, one prepare per
 * target table, one copy unit per tenant table (in chunks of {@code chunkRows}), the finishes and the
 * foreign keys — each unit through {@link UnitExecutor}, against real databases.
 */
final class LocalJob {

  final JobSpec spec;
  final PreflightReply reply;
  private final TestPostgres dbs;
  private final String prefix;
  private final UnitExecutor executor = new UnitExecutor();

  LocalJob(TestPostgres dbs, JobSpec spec, String prefix) {
    this.dbs = dbs;
    this.spec = spec;
    this.prefix = prefix;
    this.reply = new Preflight().run(spec);
  }

  List<TablePlan> plans() {
    return reply.plans();
  }

  TablePlan plan(String sourceTable) {
    return plans().stream().filter(p -> p.sourceTable().equals(sourceTable)).findFirst().orElseThrow();
  }

  /** The plan of one tenant's table. */
  TablePlan plan(String tenant, String sourceTable) {
    return plans().stream().filter(p -> p.tenantId().equals(tenant) && p.sourceTable().equals(sourceTable)).findFirst()
        .orElseThrow();
  }

  Endpoint source(TablePlan plan) {
    for (TenantSpec t : spec.source().tenants()) {
      if (t.id().equals(plan.tenantId())) {
        return spec.source().endpoint(t);
      }
    }
    throw new IllegalArgumentException(plan.tenantId());
  }

  Endpoint target() {
    return spec.target().endpoint();
  }

  UnitOutcome run(io.ferry.protocol.message.Assignment a) {
    return executor.execute(a, new UnitControl(), ProgressListener.NONE);
  }

  UnitOutcome runStatements(String id, UnitKind kind, List<String> statements) {
    TablePlan any = plans().get(0);
    return run(Units.statements(prefix + id, spec.name(), kind, any, statements, source(any), target()));
  }

  /** The union of the plans' type statements, as the coordinator's prepare:*types unit gets them. */
  List<String> typeStatements() {
    Set<String> all = new LinkedHashSet<>();
    plans().forEach(p -> all.addAll(p.ddl().types()));
    return List.copyOf(all);
  }

  Map<String, TablePlan> byTarget() {
    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    plans().forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    return byTarget;
  }

  void prepare() {
    assertThat(reply.problems()).isEmpty();
    UnitOutcome types = runStatements("prepare:*types", UnitKind.PREPARE, typeStatements());
    assertThat(types.ok()).as(types.error()).isTrue();
    for (TablePlan p : byTarget().values()) {
      UnitOutcome o = run(Units.statements(prefix + "prepare:" + p.targetTable(), spec.name(), UnitKind.PREPARE, p,
          p.ddl().prepare(), source(p), target()));
      assertThat(o.ok()).as(o.error()).isTrue();
    }
  }

  /** One copy unit per tenant table; returns the outcomes (not asserted: some tests expect failures). */
  List<UnitOutcome> copy(long chunkRows) {
    List<UnitOutcome> out = new ArrayList<>();
    for (TablePlan p : plans()) {
      out.add(run(copyAssignment(p, 1, chunkRows)));
    }
    return out;
  }

  io.ferry.protocol.message.Assignment copyAssignment(TablePlan p, long epoch, long chunkRows) {
    return Units.copy(prefix + "copy:" + p.tenantId() + ":" + p.targetTable(), spec.name(), p, KeyRange.ALL, epoch,
        source(p), target(), spec.target().tenantColumn(), chunkRows, spec.mode());
  }

  /** Copy unit {@code index} of a table copied in several units, over {@code range}. */
  io.ferry.protocol.message.Assignment copyAssignment(TablePlan p, int index, KeyRange range, long chunkRows) {
    return Units.copy(prefix + "copy:" + p.tenantId() + ":" + p.targetTable() + ":" + index, spec.name(), p, range, 1,
        source(p), target(), spec.target().tenantColumn(), chunkRows, spec.mode());
  }

  /** Runs a verify unit of the plan's tenant table over {@code range}. */
  UnitOutcome verify(TablePlan p, KeyRange range) {
    return run(Units.verify(prefix + "verify:" + p.tenantId() + ":" + p.targetTable() + ":" + range, spec.name(), p, range,
        source(p), target(), spec.target().tenantColumn()));
  }

  /** Verifies every tenant table (partitioned parents aside) as one range each and expects each clean. */
  void assertVerifiesClean() {
    Set<String> parents = new LinkedHashSet<>();
    plans().forEach(p -> {
      if (p.partitionOf() != null) {
        parents.add(p.partitionOf());
      }
    });
    for (TablePlan p : plans()) {
      if (parents.contains(p.targetTable())) {
        continue; // a partitioned parent has no rows of its own: its leaves are verified
      }
      UnitOutcome o = verify(p, KeyRange.ALL);
      assertThat(o.ok()).as(o.error()).isTrue();
      assertThat(o.findings().clean()).as(p.tenantId() + " " + p.sourceTable() + ": " + o.findings()).isTrue();
      assertThat(o.findings().differenceCount()).isZero();
    }
  }

  void finish() {
    List<String> fks = new ArrayList<>();
    for (TablePlan p : byTarget().values()) {
      UnitOutcome o = run(Units.statements(prefix + "finish:" + p.targetTable(), spec.name(), UnitKind.FINISH, p,
          p.ddl().finish(), source(p), target()));
      assertThat(o.ok()).as(o.error()).isTrue();
      fks.addAll(p.ddl().foreignKeys());
    }
    UnitOutcome o = jobFinish(List.copyOf(new LinkedHashSet<>(fks)));
    assertThat(o.ok()).as(o.error()).isTrue();
  }

  /**
   * The job's last finish as the coordinator assigns it: of no table, so it first restores the
   * constraints the job recorded as dropped.
   */
  UnitOutcome jobFinish(List<String> statements) {
    io.ferry.protocol.unit.WorkUnit unit = Units.unit(prefix + "finish:*", spec.name(), UnitKind.FINISH, null, null, 1);
    return run(new io.ferry.protocol.message.Assignment(unit, null, source(plans().get(0)), target(),
        spec.target().tenantColumn(), statements, 0, 0, null, List.of(), null));
  }

  /** The job-level verify unit as the coordinator assigns it: of no table, with the job's target tables. */
  UnitOutcome jobChecks() {
    io.ferry.protocol.unit.WorkUnit unit = Units.unit(prefix + "verify:*", spec.name(), UnitKind.VERIFY, null, null, 1);
    return run(new io.ferry.protocol.message.Assignment(unit, plans().get(0), source(plans().get(0)), target(),
        spec.target().tenantColumn(), List.of(), 0, 0, spec.mode(), List.of(), null, List.copyOf(byTarget().keySet())));
  }

  /** Prepare, copy (every unit must succeed), finish. */
  void runAll(long chunkRows) {
    prepare();
    assertThat(copy(chunkRows)).allSatisfy(o -> assertThat(o.ok()).as(o.error()).isTrue());
    finish();
  }

  /** Every tenant table equals its source: row count and checksum over the copied columns. */
  void assertTargetEqualsSources() throws SQLException {
    try (Connection t = dbs.open(spec.target().url())) {
      for (TablePlan p : plans()) {
        List<String> columns = p.columns().stream().map(ColumnPlan::name).toList();
        try (Connection s = dbs.open(source(p).url())) {
          TableChecksum.Result expected = TableChecksum.compute(s, p.sourceTable(), columns, null, null);
          TableChecksum.Result actual = TableChecksum.compute(t, p.targetTable(), columns, spec.target().tenantColumn(),
              p.tenantId());
          assertThat(actual).as(p.tenantId() + " " + p.sourceTable()).isEqualTo(expected);
        }
      }
    }
  }
}
