package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The unit of scheduling. Immutable: every state change makes a new record, which the coordinator
 * writes to the unit map (and through its MapStore to the target's {@code ferry.units}).
 *
 * <p>Its JSON is flat, the parts' fields side by side (see {@link FlatWorkUnit}): the form the targets'
 * {@code ferry.units} records hold, and the one the event bus and the HTTP API carry.
 *
 * @param slice    what the unit works on: tenant, table, key range, estimated size
 * @param lease    its claims by workers: attempts, epoch, holder, expiry
 * @param progress what it has done: rows, bytes, rejected rows, the last attempt's error
 */
public record WorkUnit(
    String id,
    String jobId,
    UnitKind kind,
    Slice slice,
    UnitState state,
    Lease lease,
    Progress progress) {

  /** A new unit: never claimed, nothing done. */
  public static WorkUnit create(String id, String jobId, UnitKind kind, Slice slice, UnitState state) {
    return new WorkUnit(id, jobId, kind, slice, state, Lease.NONE, Progress.NONE);
  }

  /**
   * Reads a unit from its flat JSON. Records in targets' {@code ferry.units} outlive a Ferry version, so that
   * form must keep reading; the bus messages that carry units ({@code Assignment}, {@code ClaimReply}) use it
   * too but need no such care, as both ends run the same version.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static WorkUnit read(FlatWorkUnit flat) {
    return flat.unit();
  }

  @JsonValue
  FlatWorkUnit flat() {
    return FlatWorkUnit.of(this);
  }

  /** A lease is held only while leased: any other state drops the worker and the lease's expiry. */
  public WorkUnit withState(UnitState newState) {
    return with(newState, newState == UnitState.LEASED ? lease : lease.released(), progress);
  }

  public WorkUnit leased(String worker, long expiresAt) {
    return with(UnitState.LEASED, lease.claimedBy(worker, expiresAt), progress);
  }

  /**
   * This unit with an epoch of at least {@code floor}: a restarted coordinator raises a unit to the epoch
   * found on its checkpoint, which a worker may have taken over with a lease whose record was lost.
   */
  public WorkUnit withEpochAtLeast(long floor) {
    return floor <= lease.epoch() ? this
        : with(state, new Lease(lease.attempts(), floor, lease.workerId(), lease.expiresAt()), progress);
  }

  public WorkUnit renewed(long expiresAt) {
    return with(state, new Lease(lease.attempts(), lease.epoch(), lease.workerId(), expiresAt), progress);
  }

  public WorkUnit withProgress(long rows, long bytes) {
    return withProgress(rows, bytes, progress.rejected());
  }

  public WorkUnit withProgress(long rows, long bytes, long rejected) {
    return with(state, lease, new Progress(rows, bytes, rejected, progress.error(), progress.findings()));
  }

  /** This verify unit with what it found. */
  public WorkUnit withFindings(io.ferry.protocol.message.VerifyFindings findings) {
    return with(state, lease, new Progress(progress.rows(), progress.bytes(), progress.rejected(), progress.error(), findings));
  }

  /**
   * This verify unit to be run again from nothing, blocked like a new unit (its dependencies are done, so
   * settling makes it pending); its epoch passes the last one, so a late result of an earlier run is ignored.
   */
  public WorkUnit afresh() {
    return with(UnitState.BLOCKED, new Lease(0, lease.epoch() + 1, null, 0), Progress.NONE);
  }

  public WorkUnit withError(String message) {
    return with(state, lease, new Progress(progress.rows(), progress.bytes(), progress.rejected(), message, progress.findings()));
  }

  /** Pending again with no attempts and no error; its progress stays (its checkpoint says where it is). */
  public WorkUnit retried() {
    return with(UnitState.PENDING, new Lease(0, lease.epoch(), null, 0), progress).withError(null);
  }

  /**
   * This copy unit with nothing copied, blocked like a new unit; its epoch passes the one a rollback
   * fenced its checkpoint with, so the next claim's take-over wins over that checkpoint.
   */
  public WorkUnit rolledBack() {
    return with(UnitState.BLOCKED, new Lease(0, lease.epoch() + 1, null, 0), Progress.NONE);
  }

  public WorkUnit withAttempts(int attempts) {
    return with(state, new Lease(attempts, lease.epoch(), lease.workerId(), lease.expiresAt()), progress);
  }

  /** What a unit is (its id, job, kind and slice) never changes. */
  private WorkUnit with(UnitState newState, Lease newLease, Progress newProgress) {
    return new WorkUnit(id, jobId, kind, slice, newState, newLease, newProgress);
  }

  /** A short name for messages: job / tenant / table / range. */
  public String describe() {
    StringBuilder sb = new StringBuilder(kind.wireName()).append(" unit ").append(id).append(" of job ").append(jobId);
    if (slice.tenantId() != null) {
      sb.append(", tenant ").append(slice.tenantId());
    }
    if (slice.table() != null) {
      sb.append(", table ").append(slice.table());
    }
    if (slice.range() != null && (kind == UnitKind.COPY || kind == UnitKind.ROLLBACK || kind == UnitKind.VERIFY
        || kind == UnitKind.REPAIR)) {
      sb.append(", range ").append(slice.range());
    }
    return sb.toString();
  }
}
