package io.ferry.worker.unit;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.unit.Checkpoint;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.Failures;
import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.copy.BinaryFraming;
import io.ferry.worker.copy.BinaryKey;
import io.ferry.worker.copy.RowFraming;
import io.ferry.worker.copy.TextCopyParser;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.ChunkWriters;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.PlanNames;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.RejectedRow;
import io.ferry.worker.dialect.RowUuids;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TenantColumn;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.rate.RateGate;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one copy unit: streams the range from the source and cuts the stream into chunk
 * transactions on the target, each committing its rows together with the unit's checkpoint.
 *
 * <p>Exactly once follows from two facts: a chunk's rows and the checkpoint that counts them commit in
 * one target transaction, and a resumed attempt reads strictly after the checkpoint's last key (rows
 * are read in key order). A crash between two commits loses only the uncommitted chunk, which the next
 * attempt reads again.
 *
 * <p>The last key comes from the source itself: a resumable read appends the key columns as text to
 * every row, and the COPY parser takes them off before the row reaches the target (no value is decoded
 * here, whatever the key's types). Reads that cannot resume (tables without a key, the NULL-key range)
 * are one chunk: nothing is committed before the whole unit is, so a new attempt simply starts over.
 *
 * <p>A chunk the target rejects for its data ({@link Failures#rowError}) is rolled back and the rows
 * after the checkpoint are read again in smaller chunks, until a one-row chunk fails: that row is the
 * bad one, and the job's {@code onRowError} decides (see {@link #settle}). Re-reading from the source
 * instead of holding the chunk keeps memory bounded; it works because a resumable read can start again
 * after any committed key.
 */
final class CopyUnit implements BinaryCopyParser.Handler {

  private static final Logger LOG = LoggerFactory.getLogger(CopyUnit.class);
  /** Each rejected chunk divides the chunk row limit by this while a bad row is searched for. */
  private static final long SHRINK = 16;
  /** How often the row after the checkpoint may turn out to be another row than the one that failed. */
  private static final int MAX_MOVED = 3;

  /** Ends an attempt early; carries why. */
  static final class Interrupted extends RuntimeException {
    final boolean leaseLost;

    Interrupted(boolean leaseLost) {
      super(leaseLost ? UnitOutcome.LEASE_LOST : UnitOutcome.STOPPING, null, false, false);
      this.leaseLost = leaseLost;
    }
  }

  private final Assignment assignment;
  private final WorkUnit unit;
  private final SourceDialect sourceDialect;
  private final TargetDialect targetDialect;
  private final ConnectionPools connections;
  private final CheckpointStore store;
  private final UnitControl control;
  private final ProgressListener progress;
  private final RateGate rate;
  private final CopyClock clock;
  private final TableName targetTable;
  private final TenantColumn tenantColumn;
  /** The written columns in stream order: the tenant column, the source's columns, then any UUID columns. */
  private final List<String> targetColumns;
  /** With {@code target.keys: uuid}: the UUID columns the source computes and appends to each row. */
  private final List<UuidColumn> uuids;
  /** The source's columns in copy order, by their source names (the target's follow the tenant column, if any). */
  private final List<String> sourceColumns;
  private final SplitKey key;
  private final KeyRange range;
  private final ChunkRequest chunkRequest;
  private final boolean resumable;
  /** The key read from the rows' own fields (binary COPY of printable key types), or null: read as trailing text. */
  private final BinaryKey binaryKey;
  private final long chunkRowLimit;
  private final long chunkByteLimit;
  /** The chunk row limit now: {@link #chunkRowLimit}, or less while a rejected row is isolated. */
  private long rowLimit;
  private final ChunkBuffer buffer = new ChunkBuffer(this::send);

  private Connection target;
  private RowFraming parser;
  /** The attempt's chunk writers, made at its first chunk (they may read the target table once). */
  private ChunkWriters writers;
  private ChunkWriter writer;
  private long rows;
  private long bytes;
  private int chunks;
  private List<String> lastKey;
  private long rejected;
  private long chunkRows;
  private long chunkBytes;
  private EndEstimate end;

  CopyUnit(Assignment assignment, SourceDialect sourceDialect, TargetDialect targetDialect, ConnectionPools connections,
      UnitControl control, ProgressListener progress) {
    this(assignment, sourceDialect, targetDialect, connections, control, progress, RateGate.NONE);
  }

  CopyUnit(Assignment assignment, SourceDialect sourceDialect, TargetDialect targetDialect, ConnectionPools connections,
      UnitControl control, ProgressListener progress, RateGate rate) {
    this.rate = rate;
    this.clock = new CopyClock(rate);
    this.assignment = assignment;
    this.unit = assignment.unit();
    this.sourceDialect = sourceDialect;
    this.targetDialect = targetDialect;
    this.connections = connections;
    this.store = targetDialect.checkpoints();
    this.control = control;
    this.progress = progress;
    this.targetTable = TableName.parse(unit.slice().table());
    this.sourceColumns = assignment.plan().columns().stream().map(ColumnPlan::name).toList();
    this.tenantColumn = TenantColumn.of(assignment.tenantColumn());
    this.uuids = assignment.plan().uuids();
    this.targetColumns = PlanNames.written(assignment.plan(), tenantColumn);
    this.chunkRequest = ChunkRequest.of(assignment, tenantColumn, targetTable, targetColumns);
    this.key = SplitKey.of(assignment.plan());
    this.range = unit.slice().range() == null ? KeyRange.ALL : unit.slice().range();
    // Reads without an order to resume in cannot stop mid-way, so the whole unit is one chunk.
    this.resumable = key != null && !range.nullKeys();
    this.binaryKey = resumable && assignment.plan().copyFormatOrBinary() == CopyFormat.BINARY
        ? BinaryKey.of(tenantColumn.width(), sourceColumns, key.columns(), key.types()) : null;
    this.chunkRowLimit = resumable && assignment.chunkRows() > 0 ? assignment.chunkRows() : Long.MAX_VALUE;
    this.chunkByteLimit = resumable && assignment.chunkBytes() > 0 ? assignment.chunkBytes() : Long.MAX_VALUE;
  }

  UnitOutcome run() throws SQLException, IOException {
    rate.begin();
    try (Connection t = connections.target(targetDialect, assignment.target())) {
      target = t;
      writers = null;
      store.ensureSchema(t);
      // Stamp our epoch on the checkpoint before reading where to resume: an older holder of this unit
      // (a worker that hung past its lease) can then no longer commit a chunk we would copy again.
      Optional<Checkpoint> checkpoint = store.takeOverAndBegin(t, unit.jobId(), unit.id(), unit.lease().epoch());
      if (checkpoint.isEmpty()) {
        // Retryable: if the coordinator still counts this lease as current (it handed out an epoch twice after
        // losing a lease record; see UnitMapStore), the unit goes back to the queue and its next epoch is newer.
        return UnitOutcome.failed(UnitOutcome.LEASE_LOST, true, 0, 0);
      }
      Checkpoint cp = checkpoint.get();
      if (cp.done()) {
        LOG.info("{}: already done ({} rows), nothing to do", unit.describe(), cp.rows());
        return UnitOutcome.ok(cp.rows(), cp.bytes(), cp.rejected());
      }
      rows = cp.rows();
      bytes = cp.bytes();
      chunks = cp.chunks();
      lastKey = cp.lastKey();
      rejected = cp.rejected();
      end = new EndEstimate(unit.slice().estimatedRows(), rows, System.nanoTime());
      long estimatedBytes = unit.slice().estimatedBytes();
      if (estimatedBytes > 0 && estimatedBytes - bytes < ChunkBuffer.SIZE) {
        control.small(); // its end may come before the first flush, where the estimate above is read
      }
      try {
        copy();
        return UnitOutcome.ok(rows, bytes, rejected);
      } catch (Interrupted e) {
        abandonChunk();
        if (e.leaseLost) {
          return UnitOutcome.silent(rows, bytes);
        }
        return UnitOutcome.failed(UnitOutcome.STOPPING, true, rows, bytes);
      } catch (SQLException | IOException | RuntimeException e) {
        abandonChunk();
        throw e;
      }
    }
  }

  /**
   * Copies the rest of the range. A rejected chunk shrinks the chunk row limit to a sixteenth of the rows
   * it may have sent and the read starts again after the last checkpoint, until the suspects are one row;
   * every commit doubles the limit back towards the normal size. Each failed chunk thus cuts the search
   * by about 8, so a bad row among 50,000 is found in five or six reads of at most that many rows.
   */
  private void copy() throws SQLException, IOException {
    rowLimit = chunkRowLimit;
    int moved = 0;
    while (true) {
      try {
        copyRest();
        return;
      } catch (RowErrors.ChunkRejected e) {
        List<String> failedKey = e.suspects == 1 && chunkRows == 1 ? parser.lastKey() : null;
        abandonChunk();
        if (!resumable) {
          throw RowErrors.unordered(range, e.error);
        }
        if (e.suspects > 1) {
          rowLimit = Math.max(1, Math.min(rowLimit, e.suspects) / SHRINK);
          LOG.info("{}: the target rejected a chunk of up to {} rows ({}); reading again after key {} in chunks of {}"
              + " rows to find the row", unit.describe(), e.suspects, e.error.getSQLState(), lastKey, rowLimit);
        } else if (!settle(e.error, failedKey) && ++moved > MAX_MOVED) {
          throw new RowErrors.RowFailure("the target rejected a row, and the source's row after key " + lastKey
              + " kept changing while it was being isolated: " + Failures.message(e.error), e.error);
        }
      }
    }
  }

  /**
   * @param keyInBand the key is taken from the rows' fields ({@link #binaryKey}) rather than appended as text
   */
  private RangeRead rangeRead(boolean keyInBand) {
    TablePlan plan = assignment.plan();
    Slice slice = unit.slice();
    return new RangeRead(TableName.parse(slice.sourceTable() != null ? slice.sourceTable() : plan.sourceTable()),
        sourceColumns, key, range, lastKey, tenantColumn.valueFor(slice.tenantId()), keyInBand,
        RowUuids.of(slice.tenantId(), uuids), targetDialect.engine());
  }

  /** Streams the range from after the last committed key (or its lower bound) to its end, chunk by chunk. */
  private void copyRest() throws SQLException, IOException {
    TablePlan plan = assignment.plan();
    RangeRead read = rangeRead(binaryKey != null);
    List<String> resumeAfter = read.resumable() ? lastKey : null;
    // The key comes in the rows' own fields, or as trailing text fields that the parser takes off each row.
    parser = switch (plan.copyFormatOrBinary()) {
      case TEXT -> new TextCopyParser(targetColumns.size(), read.keyFields());
      case BINARY -> new BinaryFraming(binaryKey != null ? new BinaryCopyParser(targetColumns.size(), binaryKey)
          : new BinaryCopyParser(targetColumns.size(), read.keyFields()));
    };
    LOG.debug("{}: copying{}", unit.describe(), resumeAfter == null ? "" : " after key " + resumeAfter);
    clock.start();
    try (Connection source = connections.source(sourceDialect, assignment.source());
         CopySource in = sourceDialect.openCopy(source, read, plan.copyFormatOrBinary())) {
      for (byte[] block = in.read(); block != null; block = in.read()) {
        if (control.leaseLost()) {
          throw new Interrupted(true);
        }
        parser.feed(block, 0, block.length, this);
      }
      if (!parser.finished()) {
        throw new IOException("the source's COPY stream ended in the middle of a row (or without its trailer)");
      }
      if (!source.getAutoCommit()) {
        source.rollback();
      }
    }
    control.ending();
    commitChunk(true);
  }

  /**
   * The one-row chunk after the checkpoint failed: that row is the bad one. It is read back from the
   * source as text (its key and a payload people can read and load again), then per {@code onRowError}:
   * {@code fail} ends the unit naming the key and the database's message; {@code reject} records the row
   * in {@code ferry.rejects} and moves the checkpoint past its key in one target transaction, so however
   * the worker dies, the row is either recorded and skipped or neither: never recorded twice, never
   * copied. Reading back opens a new source snapshot, like any resume.
   *
   * @param failedKey the failed row's key when the chunk got as far as reading it (null: unknown)
   * @return false when the source's row after the checkpoint is not the one that failed (read again)
   */
  private boolean settle(SQLException error, List<String> failedKey) throws SQLException, IOException {
    // A rejected row is recorded with its UUIDs: ferry.rejects ties it to them, and it loads again as it was.
    RowReadBack.Row row;
    try (Connection source = connections.source(sourceDialect, assignment.source())) {
      row = RowReadBack.first(sourceDialect, source, rangeRead(false), targetColumns.size());
    }
    if (row == null || (failedKey != null && !failedKey.equals(row.key()))) {
      LOG.info("{}: the source's row after key {} changed while a rejected row was isolated; reading again",
          unit.describe(), lastKey);
      return false;
    }
    String message = Failures.message(error);
    if (assignment.onRowError() == RowErrorPolicy.FAIL) {
      throw new RowErrors.RowFailure("the target rejected the row with key " + RowErrors.keyText(key.columns(), row.key())
          + " (onRowError: fail; SQLSTATE " + error.getSQLState() + "): " + message, error);
    }
    if (control.leaseLost()) {
      throw new Interrupted(true);
    }
    Slice slice = unit.slice();
    store.recordReject(target, new RejectedRow(unit.jobId(), unit.id(), slice.tenantId(), slice.table(), row.key(),
        targetColumns, row.payload(), row.truncated(), message, error.getSQLState()));
    Checkpoint cp = new Checkpoint(unit.jobId(), unit.id(), unit.lease().epoch(), row.key(), rows, bytes, chunks, false,
        rejected + 1);
    if (!store.writeAndCommit(target, cp, false)) {
      throw new LeaseLostOnWrite();
    }
    lastKey = row.key();
    rejected = cp.rejected();
    LOG.warn("{}: rejected the row with key {} (recorded in ferry.rejects): {}", unit.describe(),
        RowErrors.keyText(key.columns(), row.key()), message);
    progress.committed(rows, bytes, rejected, 0, 0);
    return true;
  }

  @Override
  public void tupleBytes(byte[] data, int offset, int length) throws SQLException {
    try {
      if (writer == null) {
        long started = System.nanoTime();
        if (writers == null) {
          writers = targetDialect.chunkWriters(target, chunkRequest);
        }
        writer = writers.open();
        clock.wrote(started);
        buffer.append(parser.chunkHeader());
      }
      buffer.append(data, offset, length);
    } catch (SQLException e) {
      // The server may refuse a row while it is still arriving: the one being written is a suspect too.
      throw RowErrors.rejectedOr(e, chunkRows + 1);
    }
  }

  @Override
  public void tupleEnd(long framedBytes) throws SQLException {
    chunkRows++;
    chunkBytes += framedBytes;
    rate.written(1, framedBytes);
    if (chunkRows >= rowLimit || chunkBytes >= chunkByteLimit) {
      commitChunk(false);
    }
  }

  /**
   * Ends the open chunk (if any) and commits it with the checkpoint. With {@code done}, also when no
   * chunk is open: an empty range, or a range whose last row ended the previous chunk, still records
   * that the unit is complete.
   */
  private void commitChunk(boolean done) throws SQLException {
    if (control.leaseLost()) {
      throw new Interrupted(true);
    }
    boolean open = writer != null;
    if (!open && !done) {
      return;
    }
    boolean wrote = chunkRows > 0;
    // The chunk ends with the parser's last tuple: its key is where a new attempt resumes. Taken over only
    // once committed: a rejected chunk leaves the resume point where it was.
    List<String> resumeKey = wrote && parser.keyFields() > 0 ? parser.lastKey() : lastKey;
    long epoch = unit.lease().epoch();
    Checkpoint cp = new Checkpoint(unit.jobId(), unit.id(), epoch, resumeKey, rows + chunkRows, bytes + chunkBytes,
        chunks + (wrote ? 1 : 0), done, rejected);
    try {
      if (open) {
        buffer.append(parser.chunkTrailer());
        buffer.flush();
      }
      long started = System.nanoTime();
      if (open) {
        writer.end();
        writer = null;
      }
      // Deferred constraints are checked at the commit: their failures are row errors of this chunk too.
      if (!store.writeAndCommit(target, cp, !done)) {
        throw new LeaseLostOnWrite();
      }
      clock.wrote(started);
    } catch (SQLException e) {
      throw RowErrors.rejectedOr(e, chunkRows);
    }
    clock.report(progress);
    lastKey = resumeKey;
    rows = cp.rows();
    bytes = cp.bytes();
    chunks = cp.chunks();
    if (wrote) {
      progress.committed(rows, bytes, rejected, chunkRows, chunkBytes);
    }
    chunkRows = 0;
    chunkBytes = 0;
    if (rowLimit < chunkRowLimit) {
      rowLimit = rowLimit > chunkRowLimit / 2 ? chunkRowLimit : rowLimit * 2;
    }
    // A stopping worker ends at a chunk boundary: the committed chunk is kept, the rest goes back to the queue.
    if (!done && control.stopping()) {
      throw new Interrupted(false);
    }
  }

  /** A newer epoch owns the checkpoint: another worker holds the unit now. */
  static final class LeaseLostOnWrite extends RuntimeException {
    LeaseLostOnWrite() {
      super(UnitOutcome.LEASE_LOST, null, false, false);
    }
  }

  /** Writes the gathered bytes to the target, timed; the unit's end is estimated here, per write rather than per row. */
  private void send(byte[] data, int offset, int length) throws SQLException {
    long started = System.nanoTime();
    writer.write(data, offset, length);
    clock.wrote(started);
    if (!control.isEndingSoon() && end.near(rows + chunkRows, System.nanoTime())) {
      control.endingSoon();
    }
  }

  /** Rolls back the open chunk; its rows were never committed, so the checkpoint still matches the target. */
  private void abandonChunk() {
    buffer.clear();
    chunkRows = 0;
    chunkBytes = 0;
    if (writer != null) {
      writer.cancel();
      writer = null;
    }
    try {
      if (!target.isClosed()) {
        target.rollback();
      }
    } catch (SQLException e) {
      LOG.debug("{}: rollback after failure failed: {}", unit.describe(), e.getMessage());
    }
  }
}
