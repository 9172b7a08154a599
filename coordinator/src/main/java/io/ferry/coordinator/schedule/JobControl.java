package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.Scope;
import io.ferry.coordinator.job.ScopeState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a user asks of a running job: pause, resume, cancel, retry its failed units.
 *
 * <p>Pausing or cancelling never kills work in the middle of a chunk. The scheduler hands out units of
 * {@code running} jobs only, so the job's state alone stops new claims; the units its workers hold are
 * named in {@code stopUnits} of their next heartbeat replies ({@link #toStop}), and each ends at its
 * next chunk boundary, after committing that chunk with its checkpoint, and comes back as
 * "worker stopping": pending again, without spending an attempt. A cancelled job stays that way (it is
 * final); its target rows and checkpoints agree, since every chunk committed with its checkpoint.
 *
 * <p>Asking for the state a job is already in succeeds and changes nothing, so a client may repeat a
 * request whose answer it did not get. Every change is written through to the target before the
 * caller answers ({@link Outcome#recorded()}), so a restarted coordinator finds the job as it was left.
 */
public final class JobControl {

  /**
   * The answer to a request: the job as it is now; {@code refusal} says why nothing changed (the
   * request does not apply to the job's state), else {@code recorded} completes once the target has it.
   */
  public record Outcome(JobRecord job, String refusal, CompletionStage<Void> recorded) {

    static Outcome refused(JobRecord job, String why) {
      return new Outcome(job, why, CompletableFuture.completedFuture(null));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(JobControl.class);
  private static final Set<JobState> STOPPED = Set.of(JobState.PAUSED, JobState.CANCELLED);

  private final JobBoard board;
  private final Unblocker unblocker;
  private final JobSecrets secrets;
  private final Rollbacks rollbacks;

  /** Completes rollback units on the calling thread (tests). */
  public JobControl(JobBoard board, Unblocker unblocker, JobSecrets secrets) {
    this(board, unblocker, secrets, new Rollbacks(board, unblocker, Runnable::run));
  }

  public JobControl(JobBoard board, Unblocker unblocker, JobSecrets secrets, Rollbacks rollbacks) {
    this.rollbacks = rollbacks;
    this.board = board;
    this.unblocker = unblocker;
    this.secrets = secrets;
  }

  /** Running → paused: no more claims; the units in flight stop at their next chunk boundary. */
  public Outcome pause(JobRecord job, long now) {
    return switch (job.state()) {
      case PAUSED -> unchanged(job);
      case PENDING, RUNNING, VERIFYING -> change(job, job.withState(JobState.PAUSED, null, null), "paused");
      default -> Outcome.refused(job, "job " + job.id() + " is " + job.state().wireName()
          + ": only a running job can be paused");
    };
  }

  /** Paused → running; a job whose every unit finished meanwhile succeeds at once. */
  public Outcome resume(JobRecord job, long now) {
    return switch (job.state()) {
      case RUNNING -> unchanged(job);
      case PAUSED -> {
        if (Rollbacks.inProgress(board, job.id())) {
          yield Outcome.refused(job, "job " + job.id() + " is rolling back: it can be resumed once its rollback units are done");
        }
        if (secrets.missing(job)) {
          yield Outcome.refused(job, "job " + job.id() + " cannot be resumed: the coordinator restarted and its spec's"
              + " literal passwords were kept in memory only; resubmit it (with ${env:NAME} or ${file:/path} password references)");
        }
        Outcome outcome = change(job, job.withState(JobState.RUNNING, null, null), "resumed");
        unblocker.settle(job.id(), now);
        JobRecord settled = board.job(job.id());
        // Every unit finished while paused: settling made it succeeded; answer once that is recorded too.
        yield settled == outcome.job() ? outcome : new Outcome(settled, null, board.save(settled));
      }
      default -> Outcome.refused(job, "job " + job.id() + " is " + job.state().wireName()
          + ": only a paused job can be resumed");
    };
  }

  /**
   * Any unfinished job → cancelled (final): nothing is handed out again but a restore of the constraints
   * it dropped ({@link Restores}); the units in flight stop.
   */
  public Outcome cancel(JobRecord job, long now) {
    return switch (job.state()) {
      case CANCELLED -> unchanged(job);
      case SUCCEEDED -> Outcome.refused(job, "job " + job.id() + " is succeeded: a finished job cannot be cancelled");
      default -> {
        Outcome outcome = change(job, job.withState(JobState.CANCELLED, now, job.error()), "cancelled");
        // Answered once the restore unit is recorded too, so that a restarted coordinator still hands it out.
        CompletableFuture<Void> restore = Restores.request(board, outcome.job());
        yield new Outcome(outcome.job(), null, outcome.recorded().thenCombine(restore, (a, b) -> null));
      }
    };
  }

  /**
   * Pauses one tenant, one target table or one tenant's table of an unfinished job: its units are no
   * longer handed out and those in flight stop at their next chunk boundary, as when the job is paused.
   */
  public Outcome pause(JobRecord job, Scope scope, long now) {
    ScopeState held = hold(job, scope);
    if (held != null && held.state() == JobState.PAUSED) {
      return unchanged(job);
    }
    String refusal = held != null ? scope.describe() + " of job " + job.id() + " is cancelled: it cannot be paused"
        : unfinished(job, "paused");
    return refusal != null ? Outcome.refused(job, refusal) : change(job, holding(job, scope, JobState.PAUSED), scope.describe() + " paused");
  }

  /** Hands a paused tenant or table's units out again; one that is not paused is left as it is. */
  public Outcome resume(JobRecord job, Scope scope, long now) {
    ScopeState held = hold(job, scope);
    if (held == null) {
      return unchanged(job);
    }
    if (held.state() == JobState.CANCELLED) {
      return Outcome.refused(job, scope.describe() + " of job " + job.id() + " is cancelled: a cancelled scope cannot be resumed");
    }
    String refusal = unfinished(job, "resumed");
    if (refusal != null) {
      return Outcome.refused(job, refusal);
    }
    List<ScopeState> rest = new ArrayList<>(job.scopesOrNone());
    rest.remove(held);
    Outcome outcome = change(job, job.withScopes(rest), scope.describe() + " resumed");
    unblocker.settle(job.id(), now);
    return outcome;
  }

  /**
   * Cancels one tenant, table or tenant's table: its units not done are never handed out again, the rest
   * of the job goes on. Once all that is left is cancelled (or waits on it), the job ends {@code cancelled}
   * (see {@link Unblocker}): it succeeds only if nothing of it was cancelled.
   */
  public Outcome cancel(JobRecord job, Scope scope, long now) {
    ScopeState held = hold(job, scope);
    if (held != null && held.state() == JobState.CANCELLED) {
      return unchanged(job);
    }
    String refusal = unfinished(job, "cancelled");
    if (refusal != null) {
      return Outcome.refused(job, refusal);
    }
    Outcome outcome = change(job, holding(job, scope, JobState.CANCELLED), scope.describe() + " cancelled");
    unblocker.settle(job.id(), now);
    JobRecord settled = board.job(job.id());
    // Nothing else was left to do: the job ended cancelled (with its restore unit); answer once that is recorded too.
    return settled == outcome.job() ? outcome : new Outcome(settled, null, board.save(settled));
  }

  /** Why a job's scope cannot be {@code what} now; null when it can. */
  private static String unfinished(JobRecord job, String what) {
    return job.state().isFinal() ? "job " + job.id() + " is " + job.state().wireName() + ": a tenant or table of a finished job"
        + " cannot be " + what : null;
  }

  private static ScopeState hold(JobRecord job, Scope scope) {
    return job.scopesOrNone().stream().filter(h -> h.sameScope(scope.tenant(), scope.table())).findFirst().orElse(null);
  }

  private static JobRecord holding(JobRecord job, Scope scope, JobState state) {
    List<ScopeState> holds = new ArrayList<>(job.scopesOrNone());
    holds.removeIf(h -> h.sameScope(scope.tenant(), scope.table()));
    holds.add(new ScopeState(scope.tenant(), scope.table(), state));
    return job.withScopes(holds);
  }

  /** Failed units → pending with a fresh attempt budget; a failed job runs again. */
  public Outcome retry(JobRecord job, long now) {
    if (job.state() == JobState.CANCELLED || job.state() == JobState.SUCCEEDED) {
      return Outcome.refused(job, "job " + job.id() + " is " + job.state().wireName() + ": there is nothing to retry");
    }
    if (Rollbacks.inProgress(board, job.id())) {
      return Outcome.refused(job, "job " + job.id() + " is rolling back: its failed units can be retried once the rollback is done");
    }
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (WorkUnit u : List.copyOf(board.units(job.id()))) {
      // A failed rollback changed nothing; running it again later, unchecked, could delete rows copied since: ask again instead.
      if (u.state() == UnitState.FAILED && u.kind() != UnitKind.ROLLBACK) {
        WorkUnit again = u.retried();
        board.clearRetry(again);
        writes.add(board.save(again).toCompletableFuture());
      }
    }
    if (writes.isEmpty()) {
      return Outcome.refused(job, "job " + job.id() + " is " + job.state().wireName() + " and has no failed unit to retry");
    }
    JobRecord updated = job.state() == JobState.FAILED ? job.withState(JobState.RUNNING, null, null) : job;
    if (updated != job) {
      writes.add(board.save(updated).toCompletableFuture());
    }
    LOG.info("job {}: {} failed unit(s) back to the queue, job {}", job.id(), writes.size() - (updated != job ? 1 : 0),
        updated.state().wireName());
    unblocker.settle(job.id(), now);
    return new Outcome(board.job(job.id()), null, CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
  }

  /**
   * Verifies a finished job again: a job that succeeded, or failed in its verification (its copy is
   * done). Every copied range gets a verify unit and the job its job-level one, the ones it has start afresh
   * (what they found is dropped), and the job is verifying until they are done; a job of mode verify compares its ranges again.
   */
  public Outcome verify(JobRecord job, long now) {
    String refusal = verifyRefusal(job);
    if (refusal != null) {
      return Outcome.refused(job, refusal);
    }
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    List<WorkUnit> units = List.copyOf(board.units(job.id()));
    List<WorkUnit> verifies = new ArrayList<>(units.stream().filter(u -> u.kind() == UnitKind.VERIFY).toList());
    for (WorkUnit u : verifies) {
      WorkUnit again = u.afresh();
      board.clearRetry(again);
      writes.add(board.save(again).toCompletableFuture());
    }
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.COPY && verifies.stream().noneMatch(v -> UnitPlanner.covers(v, u))) {
        WorkUnit added = UnitPlanner.verifyOf(u, UnitPlanner.rangesPortable(plan(job, u.slice())));
        verifies.add(added);
        writes.add(board.save(added).toCompletableFuture());
      }
    }
    if (verifies.stream().noneMatch(u -> u.id().equals(UnitPlanner.JOB_VERIFY_ID))) {
      // A job planned with verify: none (or before the job-level unit existed) gets its checks too.
      writes.add(board.save(UnitPlanner.jobVerify(job.id())).toCompletableFuture());
    }
    JobRecord verifying = job.withState(JobState.VERIFYING, null, null);
    writes.add(board.save(verifying).toCompletableFuture());
    LOG.info("job {}: verifying again, {} range(s)", job.id(), writes.size() - 1);
    unblocker.settle(job.id(), now);
    return new Outcome(board.job(job.id()), null, CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
  }

  private static TablePlan plan(JobRecord job, Slice slice) {
    return job.plans().stream()
        .filter(p -> p.targetTable().equals(slice.table()) && Objects.equals(p.tenantId(), slice.tenantId()))
        .findFirst().orElseThrow(() -> new IllegalStateException("job " + job.id() + " has no table plan for tenant "
            + slice.tenantId() + ", table " + slice.table()));
  }

  /** Why a job cannot be verified now; null when it can. */
  private String verifyRefusal(JobRecord job) {
    String id = "job " + job.id();
    switch (job.state()) {
      case SUCCEEDED, FAILED -> { }
      case CANCELLED -> {
        return id + " is cancelled: only a succeeded job, or one that failed its verification, can be verified;"
            + " submit a job of mode verify to compare its tables";
      }
      default -> {
        return id + " is " + job.state().wireName() + ": it can be verified once it has finished";
      }
    }
    if (Rollbacks.inProgress(board, job.id())) {
      return id + " is rolling back: it can be verified once its copy units ran again";
    }
    if (secrets.missing(job)) {
      return id + " cannot be verified: the coordinator restarted and its spec's literal passwords were kept in memory"
          + " only; submit a job of mode verify (with ${env:NAME} or ${file:/path} password references)";
    }
    boolean copiesOrVerifies = false;
    for (WorkUnit u : board.units(job.id())) {
      boolean step = u.kind() != UnitKind.VERIFY && u.kind() != UnitKind.ROLLBACK && u.kind() != UnitKind.RESTORE;
      if (step && u.state() != UnitState.DONE) {
        return id + " failed before its copy finished (unit " + u.id() + " is " + u.state().wireName()
            + "): retry its failed units first";
      }
      copiesOrVerifies |= u.kind() == UnitKind.COPY || u.kind() == UnitKind.VERIFY;
    }
    return copiesOrVerifies ? null : id + " copied no key range: there is nothing to verify";
  }

  /** Deletes the target rows of a tenant, table or copy unit and resets their checkpoints (see {@link Rollbacks}). */
  public Rollbacks.Outcome rollback(JobRecord job, Rollbacks.Selection selection, long now) {
    if (secrets.missing(job)) {
      // Its rollback unit could never be handed out (no worker can reach the target), and while it waits
      // the job could not be resumed either: refuse it now instead.
      return Rollbacks.Outcome.refused(Rollbacks.Verdict.WRONG_STATE, List.of("job " + job.id() + " cannot be rolled back: the coordinator restarted"
          + " and its spec's literal passwords were kept in memory only; resubmit it (with ${env:NAME} or"
          + " ${file:/path} password references)"));
    }
    return rollbacks.request(job, selection, now);
  }

  /** Re-copies what the job's verification found differing and verifies it again (see {@link Repairs}). */
  public Repairs.Outcome repair(JobRecord job, long now) {
    if (secrets.missing(job)) {
      return Repairs.Outcome.refused(List.of("job " + job.id() + " cannot be repaired: the coordinator restarted and its"
          + " spec's literal passwords were kept in memory only; resubmit it (with ${env:NAME} or ${file:/path} password"
          + " references)"));
    }
    return new Repairs(board, unblocker).request(job, now);
  }

  /**
   * The units named in a heartbeat that the worker holds for a paused or cancelled job, tenant or table: it must stop
   * them at their next chunk boundary. Names are as the worker sent them ({@code jobId/unitId}).
   */
  public List<String> toStop(Heartbeat heartbeat) {
    List<String> stop = new ArrayList<>();
    if (heartbeat.activeUnits() == null || heartbeat.workerId() == null) {
      return stop;
    }
    for (WorkUnit u : board.leasedBy(heartbeat.workerId())) {
      JobRecord job = board.job(u.jobId());
      // A rollback runs while its job is stopped, in one transaction: it has no chunk boundary to stop at.
      boolean stopped = job != null && (STOPPED.contains(job.state()) || job.scopeState(u) != null);
      if (!stopped || u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE) {
        continue;
      }
      for (String name : heartbeat.activeUnits()) {
        if (name.equals(JobBoard.key(u)) || name.equals(u.id())) {
          stop.add(name);
        }
      }
    }
    return stop;
  }

  private Outcome change(JobRecord job, JobRecord updated, String what) {
    CompletionStage<Void> recorded = board.save(updated);
    long inFlight = board.leased().stream().filter(u -> u.jobId().equals(job.id())).count();
    LOG.info("job {} {} ({} unit(s) in flight{})", job.id(), what, inFlight,
        inFlight > 0 && STOPPED.contains(updated.state()) ? " stop at their next chunk boundary" : "");
    return new Outcome(updated, null, recorded);
  }

  /**
   * New limits for a job that is not over yet; rates apply at the workers' next reservation (a fraction
   * of a second), concurrency limits at the next claim.
   */
  public Outcome limit(JobRecord job, io.ferry.protocol.spec.Limits limits) {
    if (job.state().isFinal()) {
      return new Outcome(job, "job " + job.id() + " is " + job.state().wireName() + ": its limits no longer matter", null);
    }
    return change(job, job.withLimits(limits), "limits now " + io.ferry.protocol.Json.encode(limits));
  }

  /** Already in the asked state: write it again anyway, so a repeated request also repairs a lost write. */
  private Outcome unchanged(JobRecord job) {
    return new Outcome(job, null, board.save(job));
  }
}
