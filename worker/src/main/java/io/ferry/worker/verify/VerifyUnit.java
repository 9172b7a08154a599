package io.ferry.worker.verify;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.Dialects;
import io.ferry.worker.dialect.PlanNames;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TenantColumn;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.rate.RateGate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one verify unit: compares its slice (tenant, table, key range) on source and target and
 * reports {@link VerifyFindings}. Read-only on both sides, so it needs no checkpoint and no fencing: an
 * attempt run again computes the same answer.
 *
 * <p>Step 1: the range's row count and checksum on each side ({@link VerifySide#digest}); equal digests
 * end the unit. Step 2, for a range that differs: cut it at every n-th source key into
 * {@value #FANOUT} sub-ranges and compare each, recursing into those that differ, until a range holds at
 * most {@value #LEAF_ROWS} source rows. Step 3, in such a leaf: the keys that differ are named by a keyed
 * comparison ({@link KeyedCompare}).
 *
 * <p>Sub-ranges are cut by the source's order and selected on the target by the same bounds, which is
 * exact only where the key orders the same way on both (its {@code orderPortable} flags). For any other
 * key the unit must cover the tenant's whole table; a mismatch is then compared by key as one leaf, of
 * at most {@value #WHOLE_SLICE_ROWS} source rows.
 */
public final class VerifyUnit {

  private static final Logger LOG = LoggerFactory.getLogger(VerifyUnit.class);
  /** Sub-ranges a differing range is cut into. */
  static final int FANOUT = 16;
  /** Source rows a range may hold to be compared key by key. */
  static final int LEAF_ROWS = 1_000;
  /** Source rows a whole slice over a key without a portable order may hold to be compared key by key. */
  static final int WHOLE_SLICE_ROWS = 200_000;

  private final Assignment assignment;
  private final WorkUnit unit;
  private final ConnectionPools connections;
  private final RateGate rate;
  private final SourceDialect sourceDialect;
  private final TargetDialect targetDialect;
  private final VerifySide sourceSide;
  private final VerifySide targetSide;
  private final FindingsBuilder findings = new FindingsBuilder();
  private final VerifyRead sourceRead;
  private final VerifyRead targetRead;
  /** Ranges can be cut and selected alike on both sides. */
  private final boolean portable;
  /** Rows have a key to name them by: not a table without a key, nor the NULL-key range. */
  private final boolean keyed;
  private final List<String> targetColumns;

  private Connection source;
  private Connection target;

  /** @param rate the job's rate limits: every source row a digest reads counts against them */
  public VerifyUnit(Assignment assignment, ConnectionPools connections, RateGate rate) {
    this.assignment = assignment;
    this.rate = rate;
    this.unit = assignment.unit();
    this.connections = connections;
    this.sourceDialect = Dialects.source(assignment.source().engine());
    this.targetDialect = Dialects.target(assignment.target().engine());
    this.sourceSide = Dialects.verify(assignment.source().engine());
    this.targetSide = Dialects.verify(assignment.target().engine());
    TablePlan plan = assignment.plan();
    Slice slice = unit.slice();
    boolean sameEngine = sourceDialect.engine().equals(targetDialect.engine());
    List<String> sourceColumns = new ArrayList<>();
    List<String> targetNames = new ArrayList<>();
    List<Canonical> canonical = new ArrayList<>();
    List<String> types = new ArrayList<>();
    Map<String, ColumnPlan> byName = new HashMap<>();
    for (ColumnPlan c : plan.columns()) {
      sourceColumns.add(c.name());
      targetNames.add(c.targetName());
      canonical.add(sameEngine ? targetSide.sameEngine(c.type()) : Canonical.of(c.type()));
      types.add(c.type());
      byName.put(c.name(), c);
    }
    this.targetColumns = List.copyOf(targetNames);
    KeyRange range = slice.range() == null ? KeyRange.ALL : slice.range();
    SplitKey key = SplitKey.of(plan);
    if (key != null && key.isCtid()) {
      key = null; // a source row address: the target's rows carry none
    }
    int[] keyIndexes = key == null ? new int[0] : key.columns().stream().mapToInt(sourceColumns::indexOf).toArray();
    this.keyed = key != null && !range.nullKeys() && Arrays.stream(keyIndexes).allMatch(i -> i >= 0);
    this.portable = keyed && key.orderPortable().stream().allMatch(Boolean::booleanValue);
    if (!portable && !range.isAll() && !range.nullKeys()) {
      throw new IllegalArgumentException("key range " + range + " is over a key whose order is not the same on the target ("
          + (key == null ? "no key" : key.columns() + " " + key.types()) + "): the same bounds may select other rows there;"
          + " verify such a table with one unit over the tenant's whole table");
    }
    // The same key under its target names and types: bounds are read by the target column's type.
    SplitKey targetKey = key == null ? null : new SplitKey(PlanNames.onTarget(plan, key.columns()),
        key.columns().stream().map(k -> byName.containsKey(k) ? byName.get(k).type() : "text").toList(), key.nullable(),
        key.orderPortable(), key.method(), key.origin());
    String sourceTable = slice.sourceTable() != null ? slice.sourceTable() : plan.sourceTable();
    TenantColumn tenant = TenantColumn.of(assignment.tenantColumn());
    this.sourceRead = new VerifyRead(TableName.parse(sourceTable), List.copyOf(sourceColumns), List.copyOf(canonical),
        List.copyOf(types), sameEngine, key, keyIndexes, range, null, null, true);
    this.targetRead = new VerifyRead(TableName.parse(slice.table()), targetColumns, List.copyOf(canonical), List.copyOf(types),
        sameEngine, targetKey, keyIndexes, range, tenant.name(), tenant.valueFor(slice.tenantId()), false);
  }

  public VerifyFindings run() throws SQLException {
    try (Connection s = connections.source(sourceDialect, assignment.source());
         Connection t = connections.target(targetDialect, assignment.target())) {
      source = s;
      target = t;
      rate.begin();
      boolean sourceAuto = s.getAutoCommit();
      boolean targetAuto = t.getAutoCommit();
      sourceSide.begin(s);
      targetSide.begin(t);
      try {
        compare(sourceRead.range(), true);
      } finally {
        sourceSide.end(s);
        targetSide.end(t);
        s.setAutoCommit(sourceAuto);
        t.setAutoCommit(targetAuto);
      }
    }
    VerifyFindings out = findings.build();
    LOG.info("{}: {} source rows, {} target rows, {} ranges compared, {} differed, {} differences", unit.describe(),
        out.sourceRows(), out.targetRows(), out.ranges(), out.mismatchedRanges(), out.differenceCount());
    return out;
  }

  private void compare(KeyRange range, boolean whole) throws SQLException {
    Digest s = sourceSide.digest(source, sourceRead.over(range));
    Digest t = targetSide.digest(target, targetRead.over(range));
    // Counted after the fact: the next step (or the next unit) waits until the rows read fit the budget.
    rate.written(s.rows(), 0);
    if (whole) {
      findings.totals(s.rows(), t.rows());
    }
    boolean matched = s.equals(t);
    findings.range(matched);
    if (matched) {
      return;
    }
    if (!keyed) {
      findings.unlisted(Math.max(1, Math.abs(s.rows() - t.rows())), "rows without a key (a table without a unique key, or"
          + " the NULL-key range) differ: counted, not listed");
      return;
    }
    if (!portable && s.rows() > WHOLE_SLICE_ROWS) {
      findings.unlisted(Math.max(1, Math.abs(s.rows() - t.rows())), "the table's key does not order alike on both sides"
          + " and its " + s.rows() + " rows are more than are compared key by key (" + WHOLE_SLICE_ROWS + "): counted, not listed");
      return;
    }
    if (portable && s.rows() > LEAF_ROWS) {
      List<List<String>> points = sourceSide.splitPoints(source, sourceRead.over(range), (s.rows() + FANOUT - 1) / FANOUT);
      if (!points.isEmpty()) {
        for (KeyRange part : cut(range, points)) {
          compare(part, false);
        }
        return;
      }
    }
    leaf(range);
  }

  private void leaf(KeyRange range) throws SQLException {
    KeyedCompare keys = new KeyedCompare(sourceRead.keyIndexes(), targetColumns, findings);
    sourceSide.rows(source, sourceRead.over(range), keys::sourceRow);
    targetSide.rows(target, targetRead.over(range), keys::targetRow);
    keys.finish();
  }

  /** {@code [lower, p1), [p1, p2), … [pn, upper)}: the points are source keys inside the range, in order. */
  static List<KeyRange> cut(KeyRange range, List<List<String>> points) {
    List<KeyRange> out = new ArrayList<>(points.size() + 1);
    List<String> lower = range.lower();
    for (List<String> p : points) {
      if (!p.equals(lower)) {
        out.add(new KeyRange(lower, p));
        lower = p;
      }
    }
    out.add(new KeyRange(lower, range.upper()));
    return out;
  }

}
