package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.LogContext;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What workers report about the units they hold: chunk progress and the unit's end.
 *
 * <p>Every report names the lease it was made under (worker + epoch). A report from an older epoch, or
 * from a worker that no longer holds the unit, comes from a worker whose lease expired and was handed
 * to another: it is ignored, so a slow worker never overwrites the state of the unit's current holder.
 *
 * <p>Failures are classified once, by the worker ({@code retryable}): retryable ones go back to the
 * queue after a backoff while the unit has attempts and time left ({@link RetryPolicy}); a worker that is shutting down gives its unit
 * back without spending an attempt; anything else fails the unit and, with it, the job.
 */
public final class UnitReports {

  /** The error a worker reports for a unit it gives back because it is stopping (SIGTERM). */
  public static final String WORKER_STOPPING = "worker stopping";

  private static final Logger LOG = LoggerFactory.getLogger(UnitReports.class);

  private final JobBoard board;
  private final Unblocker unblocker;
  private final ProgressListener listener;
  private final RetryPolicy retry;
  private final RandomGenerator random;
  private final Rollbacks rollbacks;

  /** Completes rollback units on the calling thread (tests). */
  public UnitReports(JobBoard board, Unblocker unblocker, ProgressListener listener, RetryPolicy retry,
      RandomGenerator random) {
    this(board, unblocker, listener, retry, random, new Rollbacks(board, unblocker, Runnable::run));
  }

  public UnitReports(JobBoard board, Unblocker unblocker, ProgressListener listener, RetryPolicy retry,
      RandomGenerator random, Rollbacks rollbacks) {
    this.rollbacks = rollbacks;
    this.board = board;
    this.unblocker = unblocker;
    this.listener = listener;
    this.retry = retry;
    this.random = random;
  }

  public void progress(UnitProgress p, long now) {
    WorkUnit unit = current(p.jobId(), p.unitId(), p.workerId(), p.epoch());
    if (unit == null) {
      return;
    }
    if (unit.kind() == UnitKind.VERIFY) {
      // Rows compared so far, not copied: kept for the status, never counted as throughput.
      board.progressed(unit);
      board.keep(unit.withProgress(p.rows(), p.bytes()));
      return;
    }
    advance(unit, p.rows(), p.bytes(), p.rejected(), now);
    board.progressed(unit);
    WorkUnit updated = unit.withProgress(p.rows(), p.bytes(), p.rejected());
    if (p.rejected() != unit.progress().rejected()) {
      // Rare, and what the job's status must not lose: written through to the target now, not at the next transition.
      board.save(updated);
    } else {
      board.keep(updated);
    }
  }

  public void result(UnitResult r, long now) {
    WorkUnit unit = current(r.jobId(), r.unitId(), r.workerId(), r.epoch());
    if (unit == null) {
      LOG.info("ignoring a result for unit {} of job {} from worker {} (epoch {}): it no longer holds that lease",
          r.unitId(), r.jobId(), r.workerId(), r.epoch());
      return;
    }
    // What the coordinator logs about the unit from here on names its job, id and tenant.
    try (LogContext ignored = LogContext.of(unit)) {
      result(unit, r, now);
    }
  }

  private void result(WorkUnit unit, UnitResult r, long now) {
    if (r.ok() && unit.kind() == UnitKind.VERIFY) {
      if (r.findings() == null) {
        fail(unit, "the worker reported no findings for this verify unit (is it older than the coordinator?)", now);
        return;
      }
      verified(unit, r.rows(), r.bytes(), r.findings(), now);
      return;
    }
    if (r.ok()) {
      done(unit, r.rows(), r.bytes(), r.rejected(), now);
      return;
    }
    String error = r.error() == null ? "unknown error" : r.error();
    if (WORKER_STOPPING.equalsIgnoreCase(error.strip())) {
      // Not the unit's fault: give back the attempt the claim counted.
      WorkUnit back = withAttempts(unit.withState(UnitState.PENDING), Math.max(0, unit.lease().attempts() - 1));
      board.clearRetry(back);
      board.save(back);
      return;
    }
    if (r.retryable()) {
      long since = board.failingSince(unit, now);
      String exhausted = retry.exhausted(unit.lease().attempts(), since, now);
      if (exhausted != null) {
        fail(unit, error + " (" + exhausted + ")", now);
        return;
      }
      long wait = retry.nextWait(board.lastBackoff(unit), since, now, random);
      WorkUnit back = unit.withState(UnitState.PENDING).withError(error);
      board.lastBackoff(back, wait);
      board.notBefore(back, now + wait);
      board.save(back);
      listener.retried(unit);
      LOG.warn("{} failed (attempt {} of at most {}), retrying in {} ms: {}", unit.describe(), unit.lease().attempts(),
          retry.maxAttempts(), wait, error);
      return;
    }
    fail(unit, error, now);
  }

  /** Marks a unit done (also used at start-up for a unit whose checkpoint says done) and moves its job on. */
  public void done(WorkUnit unit, long rows, long bytes, long now) {
    done(unit, rows, bytes, unit.progress().rejected(), now);
  }

  /** As {@link #done(WorkUnit, long, long, long)}, with the unit's rows recorded in {@code ferry.rejects}. */
  public void done(WorkUnit unit, long rows, long bytes, long rejected, long now) {
    if (unit.kind() == UnitKind.ROLLBACK) {
      // Its rows are rows deleted, not copied: no throughput; its copy units go back to the queue.
      rollbacks.completed(unit, rows, now);
      return;
    }
    advance(unit, rows, bytes, rejected, now);
    WorkUnit done = unit.withProgress(rows, bytes, rejected).withState(UnitState.DONE).withError(null);
    board.clearRetry(done);
    board.save(done);
    unblocker.settleAfter(done, now);
  }

  /**
   * A verify unit compared its range: done with its findings, written through, so that a restarted
   * coordinator still has them. Its rows are rows compared, not copied: no throughput.
   */
  private void verified(WorkUnit unit, long rows, long bytes, VerifyFindings findings, long now) {
    WorkUnit done = unit.withProgress(rows, bytes).withFindings(findings).withState(UnitState.DONE).withError(null);
    if (!findings.orphans().isEmpty()) {
      LOG.warn("{}: {} orphaned row(s) of {} foreign key(s)", unit.describe(),
          findings.orphans().stream().mapToLong(VerifyFindings.Orphans::rows).sum(),
          findings.orphans().stream().map(o -> o.table() + "." + o.foreignKey()).distinct().count());
    } else if (!findings.clean()) {
      LOG.warn("{}: {} differing key(s), {} source row(s), {} target row(s)", unit.describe(), findings.differenceCount(),
          findings.sourceRows(), findings.targetRows());
    }
    board.clearRetry(done);
    board.save(done);
    unblocker.settleAfter(done, now);
  }

  private void fail(WorkUnit unit, String error, long now) {
    LOG.error("{} failed after {} attempt(s): {}", unit.describe(), unit.lease().attempts(), error);
    listener.failed(unit);
    board.save(unit.withState(UnitState.FAILED).withError(error));
    if (unit.kind() == UnitKind.ROLLBACK) {
      // Its one transaction rolled back: the target and the copy units are as they were, the job stays as it is.
      return;
    }
    JobRecord job = board.job(unit.jobId());
    if (job != null && !job.state().isFinal()) {
      board.save(job.withState(JobState.FAILED, now, "unit " + unit.id() + " failed: " + error));
    }
  }

  private void advance(WorkUnit unit, long rows, long bytes, long rejected, long now) {
    long rowsDelta = rows - unit.progress().rows();
    long bytesDelta = bytes - unit.progress().bytes();
    if (rowsDelta > 0 || bytesDelta > 0) {
      listener.advanced(unit, Math.max(0, rowsDelta), Math.max(0, bytesDelta), now);
    }
    if (rejected > unit.progress().rejected()) {
      listener.rejected(unit, rejected - unit.progress().rejected());
    }
  }

  /** The unit, if {@code workerId} holds its lease at {@code epoch}; null for a stale or unknown report. */
  private WorkUnit current(String jobId, String unitId, String workerId, long epoch) {
    WorkUnit unit = board.unit(jobId, unitId);
    if (unit == null || unit.state() != UnitState.LEASED || unit.lease().epoch() != epoch
        || workerId == null || !workerId.equals(unit.lease().workerId())) {
      return null;
    }
    return unit;
  }

  static WorkUnit withAttempts(WorkUnit u, int attempts) {
    return u.withAttempts(attempts);
  }
}
