package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The unit of scheduling. Immutable: every state change makes a new record, which the coordinator
 * writes to the unit map (and through its MapStore to the target's {@code ferry.units}).
 *
 * @param table       the target table, {@code schema.table}
 * @param sourceTable the tenant's source table, {@code schema.table} (null for job-level units)
 * @param epoch       incremented at every claim; a worker's checkpoint write carries it, so a worker
 *                    whose lease was taken away cannot commit over the new holder
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkUnit(
    String id,
    String jobId,
    UnitKind kind,
    String tenantId,
    String table,
    String sourceTable,
    KeyRange range,
    long estimatedRows,
    long estimatedBytes,
    UnitState state,
    int attempts,
    long epoch,
    String workerId,
    long leaseExpiresAt,
    long rows,
    long bytes,
    String error,
    long rejected) {

  /** A unit without rejected rows. */
  public WorkUnit(String id, String jobId, UnitKind kind, String tenantId, String table, String sourceTable,
      KeyRange range, long estimatedRows, long estimatedBytes, UnitState state, int attempts, long epoch,
      String workerId, long leaseExpiresAt, long rows, long bytes, String error) {
    this(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes, state, attempts, epoch,
        workerId, leaseExpiresAt, rows, bytes, error, 0);
  }

  public static WorkUnit create(String id, String jobId, UnitKind kind, String tenantId, String table,
      String sourceTable, KeyRange range, long estimatedRows, long estimatedBytes, UnitState state) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        state, 0, 0, null, 0, 0, 0, null);
  }

  public WorkUnit withState(UnitState newState) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        newState, attempts, epoch, newState == UnitState.LEASED ? workerId : null,
        newState == UnitState.LEASED ? leaseExpiresAt : 0, rows, bytes, error, rejected);
  }

  public WorkUnit leased(String worker, long expiresAt) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        UnitState.LEASED, attempts + 1, epoch + 1, worker, expiresAt, rows, bytes, error, rejected);
  }

  /**
   * This unit with an epoch of at least {@code floor}: a restarted coordinator raises a unit to the epoch
   * found on its checkpoint, which a worker may have taken over with a lease whose record was lost.
   */
  public WorkUnit withEpochAtLeast(long floor) {
    return floor <= epoch ? this : new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows,
        estimatedBytes, state, attempts, floor, workerId, leaseExpiresAt, rows, bytes, error, rejected);
  }

  public WorkUnit renewed(long expiresAt) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        state, attempts, epoch, workerId, expiresAt, rows, bytes, error, rejected);
  }

  public WorkUnit withProgress(long newRows, long newBytes) {
    return withProgress(newRows, newBytes, rejected);
  }

  public WorkUnit withProgress(long newRows, long newBytes, long newRejected) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        state, attempts, epoch, workerId, leaseExpiresAt, newRows, newBytes, error, newRejected);
  }

  public WorkUnit withError(String message) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        state, attempts, epoch, workerId, leaseExpiresAt, rows, bytes, message, rejected);
  }

  public WorkUnit retried() {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        UnitState.PENDING, 0, epoch, null, 0, rows, bytes, null, rejected);
  }

  /** A short name for messages: job / tenant / table / range. */
  public String describe() {
    StringBuilder sb = new StringBuilder(kind.wireName()).append(" unit ").append(id).append(" of job ").append(jobId);
    if (tenantId != null) {
      sb.append(", tenant ").append(tenantId);
    }
    if (table != null) {
      sb.append(", table ").append(table);
    }
    if (range != null && (kind == UnitKind.COPY || kind == UnitKind.ROLLBACK)) {
      sb.append(", range ").append(range);
    }
    return sb.toString();
  }
}
