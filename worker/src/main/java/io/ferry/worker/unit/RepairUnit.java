package io.ferry.worker.unit;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.copy.BinaryFraming;
import io.ferry.worker.copy.RowFraming;
import io.ferry.worker.copy.TextCopyParser;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.KeyDeletion;
import io.ferry.worker.dialect.PlanNames;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.RowDeletion;
import io.ferry.worker.dialect.RowUuids;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TenantColumn;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.rate.RateGate;
import io.ferry.worker.verify.RepairKeys;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a repair unit: re-copies what its verify unit found differing in one range, in <em>one</em> target
 * transaction fenced by its lease epoch, as a copy unit commits a chunk with its checkpoint. Its findings travel in
 * the unit ({@code progress.findings}). Steps:
 *
 * <ol>
 *   <li>take over its own checkpoint: an older holder can no longer commit; already done → nothing to do;</li>
 *   <li>where the findings list every differing key ({@link RepairKeys}): read the tenant's target rows of the range
 *       whose canonical key is listed (a snapshot of their own) and delete them by key; stream the source range and
 *       write only the rows whose key is listed. Should fewer listed keys turn up on the source than it had when
 *       verified (the source changed, or a key's text does not print back canonically), that is undone to a
 *       savepoint and the range is repaired whole instead;</li>
 *   <li>otherwise (differences counted only, rows without a key): delete the tenant's target rows in the range and
 *       copy the whole range again;</li>
 *   <li>write its own done checkpoint (fenced by its epoch) with the rows written, and commit: a newer holder that
 *       stamped meanwhile makes it roll back, so the target is repaired once or not at all.</li>
 * </ol>
 *
 * Rows the target rejected during the copy ({@code ferry.rejects}) are left out, as the copy left them out; a row
 * the target rejects now fails the unit (nothing is committed).
 */
final class RepairUnit implements BinaryCopyParser.Handler {

  private static final Logger LOG = LoggerFactory.getLogger(RepairUnit.class);

  private final Assignment assignment;
  private final WorkUnit unit;
  private final SourceDialect sourceDialect;
  private final TargetDialect targetDialect;
  private final ConnectionPools connections;
  private final RateGate rate;
  private final TenantColumn tenantColumn;
  private final List<String> targetColumns;
  private final KeyRange range;

  private Connection target;
  private RowFraming parser;
  private ChunkWriter writer;
  /** Null: every row of the range is written. */
  private RepairKeys keys;
  /** Source keys (key text) of the rows the target rejected during the copy: never written again. */
  private Set<List<String>> rejected = Set.of();
  /** Rows are held until their key is read: to write only listed keys, or none that was rejected. */
  private boolean filter;
  private final Set<List<String>> matched = new HashSet<>();
  private byte[] tuple = new byte[1024];
  private int tupleLength;
  private final ChunkBuffer buffer = new ChunkBuffer((data, offset, length) -> writer.write(data, offset, length));
  private long rows;
  private long bytes;

  RepairUnit(Assignment assignment, SourceDialect sourceDialect, TargetDialect targetDialect, ConnectionPools connections,
      RateGate rate) {
    this.assignment = assignment;
    this.unit = assignment.unit();
    this.sourceDialect = sourceDialect;
    this.targetDialect = targetDialect;
    this.connections = connections;
    this.rate = rate;
    this.tenantColumn = TenantColumn.of(assignment.tenantColumn());
    this.targetColumns = PlanNames.written(assignment.plan(), tenantColumn);
    this.range = unit.slice().range() == null ? KeyRange.ALL : unit.slice().range();
  }

  UnitOutcome run() throws SQLException, IOException {
    if (unit.progress().findings() == null) {
      throw new IllegalStateException("the repair unit carries no findings to repair (is the coordinator older than the worker?)");
    }
    CheckpointStore store = targetDialect.checkpoints();
    rate.begin();
    try (Connection t = connections.target(targetDialect, assignment.target())) {
      target = t;
      TakeOver takeOver = TakeOver.begin(store, t, unit);
      UnitOutcome skipped = takeOver.skip();
      if (skipped != null) {
        return skipped;
      }
      try {
        rejected = new HashSet<>(store.rejectedKeys(t, unit.jobId(), unit.slice().tenantId(), unit.slice().table()));
        keys = RepairKeys.of(assignment);
        if (keys == null || !repairKeys()) {
          repairRange();
        }
        return takeOver.commitDone(rows, bytes);
      } catch (SQLException | IOException | RuntimeException e) {
        if (writer != null) {
          writer.cancel();
        }
        t.rollback();
        throw e;
      }
    }
  }

  /** Step 2; false when the source no longer has every listed key it had (undone: repair the range instead). */
  private boolean repairKeys() throws SQLException, IOException {
    KeyDeletion deletion;
    try (Connection snapshot = connections.target(targetDialect, assignment.target())) {
      deletion = keys.onTarget(snapshot);
    }
    Savepoint before = target.setSavepoint();
    long deleted = targetDialect.deleteKeys(target, deletion);
    LOG.info("{}: step 2 - {} listed key(s): {} target row(s) deleted", unit.describe(), keys.size(), deleted);
    copy();
    long expected = keys.onSource() - rejected.stream().filter(keys::listed).count();
    if (matched.size() >= expected) {
      LOG.info("{}: step 2 - {} row(s) of the listed keys copied from the source", unit.describe(), rows);
      return true;
    }
    LOG.info("{}: only {} of the {} listed key(s) the source had when verified are there now: repairing the whole range",
        unit.describe(), matched.size(), expected);
    target.rollback(before);
    keys = null;
    rows = 0;
    bytes = 0;
    return false;
  }

  /** Step 3: the tenant's rows of the range, deleted on the target and copied again. */
  private void repairRange() throws SQLException, IOException {
    SplitKey key = SplitKey.of(assignment.plan());
    SplitKey onTarget = key == null || key.isCtid() || range.isAll() ? null : targetKey(key);
    long deleted = targetDialect.deleteRows(target, new RowDeletion(TableName.parse(unit.slice().table()), tenantColumn.name(),
        unit.slice().tenantId(), onTarget, onTarget == null ? null : range));
    copy();
    LOG.info("{}: step 3 - the whole range repaired: {} target row(s) deleted, {} copied", unit.describe(), deleted, rows);
  }

  /** The key under its target names and types, as the verify unit selected the range on the target. */
  private SplitKey targetKey(SplitKey key) {
    List<String> types = new ArrayList<>();
    for (String k : key.columns()) {
      types.add(assignment.plan().columns().stream().filter(c -> c.name().equals(k)).map(ColumnPlan::type).findFirst()
          .orElse("text"));
    }
    return new SplitKey(PlanNames.onTarget(assignment.plan(), key.columns()), types, key.nullable(), key.orderPortable(),
        key.method(), key.origin());
  }

  /** Streams the range from the source into the open transaction (the listed keys' rows only, with {@link #keys}). */
  private void copy() throws SQLException, IOException {
    TablePlan plan = assignment.plan();
    Slice slice = unit.slice();
    List<UuidColumn> uuids = plan.uuids();
    RangeRead read = new RangeRead(TableName.parse(slice.sourceTable() != null ? slice.sourceTable() : plan.sourceTable()),
        plan.columns().stream().map(ColumnPlan::name).toList(), SplitKey.of(plan), range, null,
        tenantColumn.valueFor(slice.tenantId()), false, RowUuids.of(slice.tenantId(), uuids), targetDialect.engine());
    if (keys != null && read.keyFields() == 0) {
      throw new IllegalStateException("cannot read the keys of " + unit.describe() + " from the source");
    }
    filter = keys != null || !rejected.isEmpty() && read.keyFields() > 0;
    parser = switch (plan.copyFormatOrBinary()) {
      case TEXT -> new TextCopyParser(targetColumns.size(), read.keyFields());
      case BINARY -> new BinaryFraming(new BinaryCopyParser(targetColumns.size(), read.keyFields()));
    };
    matched.clear();
    try (Connection source = connections.source(sourceDialect, assignment.source());
         CopySource in = sourceDialect.openCopy(source, read, plan.copyFormatOrBinary())) {
      for (byte[] block = in.read(); block != null; block = in.read()) {
        parser.feed(block, 0, block.length, this);
      }
      if (!parser.finished()) {
        throw new IOException("the source's COPY stream ended in the middle of a row (or without its trailer)");
      }
      if (!source.getAutoCommit()) {
        source.rollback();
      }
    }
    if (writer != null) {
      buffer.append(parser.chunkTrailer());
      buffer.flush();
      writer.end();
      writer = null;
    }
  }

  @Override
  public void tupleBytes(byte[] data, int offset, int length) throws SQLException {
    if (!filter) {
      write(data, offset, length);
      return;
    }
    // Held until the tuple ends: its key comes last (trailing key text), and decides whether it is written.
    if (tupleLength + length > tuple.length) {
      tuple = Arrays.copyOf(tuple, Math.max(tuple.length * 2, tupleLength + length));
    }
    System.arraycopy(data, offset, tuple, tupleLength, length);
    tupleLength += length;
  }

  @Override
  public void tupleEnd(long framedBytes) throws SQLException {
    if (filter) {
      int length = tupleLength;
      tupleLength = 0;
      List<String> key = parser.lastKey();
      if (rejected.contains(key) || keys != null && !keys.listed(key)) {
        return;
      }
      matched.add(key);
      write(tuple, 0, length);
    }
    rows++;
    bytes += framedBytes;
    rate.written(1, framedBytes);
  }

  private void write(byte[] data, int offset, int length) throws SQLException {
    if (writer == null) {
      writer = targetDialect.openChunk(target, ChunkRequest.of(assignment, tenantColumn, TableName.parse(unit.slice().table()),
          targetColumns));
      buffer.append(parser.chunkHeader());
    }
    buffer.append(data, offset, length);
  }
}
