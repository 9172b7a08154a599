package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.function.Consumer;

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

  public static WorkUnit create(String id, String jobId, UnitKind kind, String tenantId, String table,
      String sourceTable, KeyRange range, long estimatedRows, long estimatedBytes, UnitState state) {
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes,
        state, 0, 0, null, 0, 0, 0, null, 0);
  }

  /** A lease is held only while leased: any other state drops the worker and the lease's expiry. */
  public WorkUnit withState(UnitState newState) {
    return change(u -> {
      u.state = newState;
      if (newState != UnitState.LEASED) {
        u.workerId = null;
        u.leaseExpiresAt = 0;
      }
    });
  }

  public WorkUnit leased(String worker, long expiresAt) {
    return change(u -> {
      u.state = UnitState.LEASED;
      u.attempts++;
      u.epoch++;
      u.workerId = worker;
      u.leaseExpiresAt = expiresAt;
    });
  }

  /**
   * This unit with an epoch of at least {@code floor}: a restarted coordinator raises a unit to the epoch
   * found on its checkpoint, which a worker may have taken over with a lease whose record was lost.
   */
  public WorkUnit withEpochAtLeast(long floor) {
    return floor <= epoch ? this : change(u -> u.epoch = floor);
  }

  public WorkUnit renewed(long expiresAt) {
    return change(u -> u.leaseExpiresAt = expiresAt);
  }

  public WorkUnit withProgress(long newRows, long newBytes) {
    return withProgress(newRows, newBytes, rejected);
  }

  public WorkUnit withProgress(long newRows, long newBytes, long newRejected) {
    return change(u -> {
      u.rows = newRows;
      u.bytes = newBytes;
      u.rejected = newRejected;
    });
  }

  public WorkUnit withError(String message) {
    return change(u -> u.error = message);
  }

  /** Pending again with no attempts and no error; its progress stays (its checkpoint says where it is). */
  public WorkUnit retried() {
    return change(u -> {
      u.state = UnitState.PENDING;
      u.attempts = 0;
      u.workerId = null;
      u.leaseExpiresAt = 0;
      u.error = null;
    });
  }

  /**
   * This copy unit with nothing copied, blocked like a new unit; its epoch passes the one a rollback
   * fenced its checkpoint with, so the next claim's take-over wins over that checkpoint.
   */
  public WorkUnit rolledBack() {
    return change(u -> {
      u.state = UnitState.BLOCKED;
      u.attempts = 0;
      u.epoch++;
      u.workerId = null;
      u.leaseExpiresAt = 0;
      u.rows = 0;
      u.bytes = 0;
      u.error = null;
      u.rejected = 0;
    });
  }

  public WorkUnit withAttempts(int newAttempts) {
    return change(u -> u.attempts = newAttempts);
  }

  /** A copy of this unit with what {@code edit} changes; what a unit is (its id, job, table, range) never changes. */
  private WorkUnit change(Consumer<Scheduling> edit) {
    Scheduling u = new Scheduling(this);
    edit.accept(u);
    return new WorkUnit(id, jobId, kind, tenantId, table, sourceTable, range, estimatedRows, estimatedBytes, u.state,
        u.attempts, u.epoch, u.workerId, u.leaseExpiresAt, u.rows, u.bytes, u.error, u.rejected);
  }

  /** The fields that change as a unit is scheduled, leased and reports progress, while a change is made. */
  private static final class Scheduling {
    UnitState state;
    int attempts;
    long epoch;
    String workerId;
    long leaseExpiresAt;
    long rows;
    long bytes;
    String error;
    long rejected;

    Scheduling(WorkUnit u) {
      state = u.state;
      attempts = u.attempts;
      epoch = u.epoch;
      workerId = u.workerId;
      leaseExpiresAt = u.leaseExpiresAt;
      rows = u.rows;
      bytes = u.bytes;
      error = u.error;
      rejected = u.rejected;
    }
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
