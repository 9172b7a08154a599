package io.ferry.worker;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Lease;
import io.ferry.protocol.unit.Progress;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;

/** Builds the units and assignments a coordinator would hand out, for tests. */
public final class Units {

  private Units() {
  }

  public static WorkUnit unit(String id, String jobId, UnitKind kind, TablePlan plan, KeyRange range, long epoch) {
    Slice slice = plan == null ? new Slice(null, null, null, range, 0, 0)
        : new Slice(plan.tenantId(), plan.targetTable(), plan.sourceTable(), range, 0, 0);
    return new WorkUnit(id, jobId, kind, slice, UnitState.LEASED, new Lease(1, epoch, "test-worker", 0), Progress.NONE);
  }

  public static Assignment copy(String id, String jobId, TablePlan plan, KeyRange range, long epoch, Endpoint source,
      Endpoint target, String tenantColumn, long chunkRows) {
    return new Assignment(unit(id, jobId, UnitKind.COPY, plan, range, epoch), plan, source, target, tenantColumn, List.of(),
        chunkRows, 64L * 1024 * 1024, null, List.of(), null);
  }

  /** A copy unit of a job in {@code mode} (upsert writes through a staging table). */
  public static Assignment copy(String id, String jobId, TablePlan plan, KeyRange range, long epoch, Endpoint source,
      Endpoint target, String tenantColumn, long chunkRows, io.ferry.protocol.spec.Mode mode) {
    return new Assignment(unit(id, jobId, UnitKind.COPY, plan, range, epoch), plan, source, target, tenantColumn, List.of(),
        chunkRows, 64L * 1024 * 1024, mode, List.of(), null);
  }

  /** A verify unit of one tenant's table over {@code range}, as the coordinator assigns it. */
  public static Assignment verify(String id, String jobId, TablePlan plan, KeyRange range, Endpoint source,
      Endpoint target, String tenantColumn) {
    return new Assignment(unit(id, jobId, UnitKind.VERIFY, plan, range, 1), plan, source, target, tenantColumn, List.of(),
        0, 0, null, List.of(), null);
  }

  public static Assignment statements(String id, String jobId, UnitKind kind, TablePlan plan, List<String> statements,
      Endpoint source, Endpoint target) {
    return new Assignment(unit(id, jobId, kind, plan, null, 1), plan, source, target, null, statements, 0, 0, null, List.of(), null);
  }

  /**
   * The job-level prepare, as the coordinator assigns it: every plan's type statements (user-defined types,
   * collations), once each, before any table's own prepare.
   */
  public static Assignment types(String id, String jobId, List<TablePlan> plans, Endpoint source, Endpoint target) {
    List<String> statements = plans.stream().flatMap(p -> p.ddl().types() == null ? java.util.stream.Stream.<String>empty()
        : p.ddl().types().stream()).distinct().toList();
    return statements(id, jobId, UnitKind.PREPARE, plans.get(0), statements, source, target);
  }

  /** {@code n} adjacent ranges cut at quantile tuples, open at both ends (as the coordinator's splitter cuts them). */
  public static List<KeyRange> ranges(List<List<String>> tuples, int n) {
    List<List<String>> cuts = new ArrayList<>();
    for (int i = 1; i < n && !tuples.isEmpty(); i++) {
      List<String> cut = tuples.get(tuples.size() * i / n);
      if (!cuts.contains(cut)) {
        cuts.add(cut);
      }
    }
    List<KeyRange> out = new ArrayList<>();
    List<String> lower = null;
    for (List<String> cut : cuts) {
      out.add(new KeyRange(lower, cut));
      lower = cut;
    }
    out.add(new KeyRange(lower, null));
    return out;
  }

  /**
   * The copy ranges the coordinator would give a plan: as many as the unit size asks for (rows or
   * bytes), cut at its quantiles, plus the NULL-key range of a nullable key; the whole table when it
   * has no key.
   */
  public static List<KeyRange> split(TablePlan plan, UnitSize unitSize) {
    if (plan.split().method() == SplitMethod.SINGLE_UNIT) {
      return List.of(KeyRange.ALL);
    }
    long n = Math.max(1, Math.max(ceilDiv(plan.estimatedRows(), unitSize.rows()), ceilDiv(plan.estimatedBytes(), unitSize.bytes())));
    List<KeyRange> out = new ArrayList<>(n > 1 ? ranges(plan.split().quantiles(), (int) n) : List.of(KeyRange.ALL));
    if (plan.split().nullable()) {
      out.add(KeyRange.NULL_KEYS);
    }
    return out;
  }

  private static long ceilDiv(long value, long divisor) {
    return value <= 0 ? 0 : (value + divisor - 1) / divisor;
  }
}
