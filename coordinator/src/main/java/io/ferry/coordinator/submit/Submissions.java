package io.ferry.coordinator.submit;

import io.ferry.coordinator.job.JobIds;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.PlanChecks;
import io.ferry.coordinator.job.SpecValidator;
import io.ferry.coordinator.job.TargetOverlap;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.progress.FerryMetrics;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.JobIntake;
import io.ferry.coordinator.schedule.NextTurn;
import io.ferry.coordinator.schedule.JobSecrets;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.coordinator.store.JobStore;
import io.ferry.coordinator.store.Target;
import io.ferry.coordinator.store.TargetStore;
import io.ferry.coordinator.submit.SubmissionRefused.Reason;
import io.ferry.protocol.Addresses;
import io.ferry.protocol.ConnectionFailure;
import io.ferry.protocol.Json;
import io.ferry.protocol.LogContext;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.PreflightRequest;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.SpecReader;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submitting a job, step by step: read the spec strictly, validate it (every problem at once), ask a
 * worker to preflight it (the coordinator never touches source databases: workers do), check the
 * plans against each other, check that the coordinator itself reaches the target (it records the job
 * there), then either describe the plan (dry run) or record the job and its units and start it. Every
 * refusal is a {@link SubmissionRefused}; what it becomes on the wire is http/'s business.
 */
public final class Submissions {

  /** What a dry run found: the plans of the spec, and the units the live workers can run at once. */
  public record DryRun(JobSpec spec, List<TablePlan> plans, long workerSlots) {
  }

  public static final long PREFLIGHT_TIMEOUT_MILLIS = 120_000;
  private static final Logger LOG = LoggerFactory.getLogger(Submissions.class);

  private final Vertx vertx;
  private final JobStore store;
  private final JobBoard board;
  private final JobSecrets secrets;
  private final FerryMetrics metrics;
  private final WorkerRegistry workers;
  private final LongSupplier clock;
  private final Map<String, TargetOverlap.Writes> recording = new HashMap<>();
  private final JobIntake intake;

  public Submissions(Vertx vertx, JobStore store, JobBoard board, JobSecrets secrets, FerryMetrics metrics,
      WorkerRegistry workers, LongSupplier clock, NextTurn nextTurn) {
    this.vertx = vertx;
    this.workers = workers;
    this.store = store;
    this.board = board;
    this.secrets = secrets;
    this.metrics = metrics;
    this.clock = clock;
    this.intake = new JobIntake(board, nextTurn);
  }

  /** Step 1 and 2: read and validate. */
  public static JobSpec read(String body, boolean yaml) {
    SpecReader.Result read = SpecReader.read(body, yaml);
    if (!read.problems().isEmpty()) {
      throw new SubmissionRefused(Reason.INVALID_SPEC, read.problems());
    }
    List<String> problems = SpecValidator.validate(read.spec());
    if (!problems.isEmpty()) {
      throw SubmissionRefused.scrubbed(Reason.INVALID_SPEC, problems, read.spec());
    }
    return read.spec();
  }

  public Future<DryRun> dryRun(JobSpec spec) {
    Target target = target(spec);
    // Read on the event loop, where heartbeats update the registry.
    long slots = workerSlots();
    Future<Void> reached = checkTarget(spec, target);
    return plans(spec).compose(plans -> reached.map(v -> new DryRun(spec, plans, slots)));
  }

  /** Units the live workers can run at once, as their last heartbeats announced. */
  private long workerSlots() {
    return workers.list().stream().mapToLong(w -> Math.max(0, w.maxUnits())).sum();
  }

  /** The job as accepted, once it and its units are recorded in the target and on the board. */
  public Future<JobRecord> submit(JobSpec spec) {
    Target target = target(spec);
    Future<Void> reached = checkTarget(spec, target);
    return plans(spec).compose(plans -> reached.compose(v -> {
      long now = clock.getAsLong();
      String id = JobIds.next(spec.name());
      TargetOverlap.Writes writes = TargetOverlap.Writes.of(id, spec, plans);
      List<String> overlaps = TargetOverlap.problems(writes, unfinishedWrites());
      if (!overlaps.isEmpty()) {
        return Future.failedFuture(new SubmissionRefused(Reason.OVERLAP, overlaps));
      }
      // Held from here until the job is on the board, so that two submissions racing through the
      // (asynchronous) recording cannot both pass the check above.
      recording.put(id, writes);
      // A job of mode verify copies nothing: it is verifying from the start.
      boolean verifyOnly = spec.mode() == io.ferry.protocol.spec.Mode.VERIFY;
      JobRecord job = new JobRecord(id, spec.name(), spec.withoutSecrets(), verifyOnly ? JobState.VERIFYING : JobState.RUNNING,
          verifyOnly ? JobPhase.VERIFY : JobPhase.PREPARE, now, now, null, plans, null);
      // The board is the event loop's: which jobs it holds is read here, not in the store's transaction.
      Set<String> known = new HashSet<>(recording.keySet());
      board.jobs().forEach(j -> known.add(j.id()));
      // Planning a job's units costs its units (100,000 for a large job): off the event loop, like recording them.
      Future<List<WorkUnit>> planned = vertx.executeBlocking(
          () -> UnitPlanner.units(id, plans, spec.unitOrDefault(), spec.mode(), spec.verifyOrDefault()), false);
      return planned.compose(units -> store.create(target, job, units, recorded -> recordedElsewhere(writes, known, recorded))
              .recover(e -> Future.failedFuture(e instanceof TargetStore.Refused refused
                  ? new SubmissionRefused(Reason.OVERLAP, refused.problems())
                  : SubmissionRefused.scrubbed(Reason.NOT_RECORDED,
                      List.of(e.getMessage() == null ? e.toString() : e.getMessage()), spec)))
              .compose(stored -> {
                secrets.put(id, spec);
                return Future.fromCompletionStage(intake.add(job, units), vertx.getOrCreateContext());
              })
              .map(onBoard -> {
                try (LogContext ignored = LogContext.job(id)) {
                  metrics.watch(id);
                  LOG.info("job {} accepted: {} table plan(s), {} work unit(s)", id, plans.size(), units.size());
                  return job;
                }
              }))
          .onComplete(done -> recording.remove(id));
    }));
  }

  /**
   * The overlaps of a new job with the unfinished jobs recorded in its target that this coordinator does
   * not hold: another cluster's jobs writing the same database. Runs inside the transaction that records
   * the new job (see {@link TargetStore#insertJob}). A record that cannot be read is not a job to wait for.
   */
  private static List<String> recordedElsewhere(TargetOverlap.Writes writes, Set<String> known, Map<String, String> recorded) {
    List<TargetOverlap.Writes> others = new ArrayList<>();
    recorded.forEach((jobId, body) -> {
      if (known.contains(jobId)) {
        return; // this coordinator's own jobs were checked before
      }
      try {
        JobRecord other = Json.decode(body, JobRecord.class);
        if (other.state() != null && !other.state().isFinal() && other.spec() != null) {
          others.add(TargetOverlap.Writes.of(jobId, other.spec(), other.plans()).in(writes.target()));
        }
      } catch (RuntimeException unreadable) {
        LOG.debug("ignoring the unreadable record of job {} in the target: {}", jobId, unreadable.getMessage());
      }
    });
    return TargetOverlap.problems(writes, others, "; it was recorded in the target by another coordinator: if no "
        + "coordinator runs it any more, delete its record (DELETE FROM ferry.jobs WHERE job_id = '…')");
  }

  /** What the jobs that may still write are writing: unfinished jobs, and jobs being recorded now. */
  private List<TargetOverlap.Writes> unfinishedWrites() {
    List<TargetOverlap.Writes> writes = new ArrayList<>(recording.values());
    for (JobRecord job : board.jobs()) {
      if (!job.state().isFinal()) {
        writes.add(TargetOverlap.Writes.of(job.id(), job.spec(), job.plans()));
      }
    }
    return writes;
  }

  private static Target target(JobSpec spec) {
    return Target.of(spec.target().endpoint());
  }

  /** Step 3 and 4: the preflight on a worker, then the checks across plans. */
  private Future<List<TablePlan>> plans(JobSpec spec) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(PREFLIGHT_TIMEOUT_MILLIS);
    return vertx.eventBus().<String>request(Addresses.PREFLIGHT, Json.encode(new PreflightRequest(spec)), options)
        .recover(e -> Future.failedFuture(preflightFailure(e, spec)))
        .map(reply -> {
          PreflightReply preflight = Json.decode(reply.body(), PreflightReply.class);
          if (preflight.problems() != null && !preflight.problems().isEmpty()) {
            throw SubmissionRefused.scrubbed(Reason.PREFLIGHT_PROBLEMS, preflight.problems(), spec);
          }
          List<TablePlan> plans = preflight.plans() == null ? List.of() : preflight.plans();
          List<String> problems = PlanChecks.problems(plans, spec.mode());
          if (!problems.isEmpty()) {
            throw new SubmissionRefused(Reason.PREFLIGHT_PROBLEMS, problems);
          }
          return plans;
        });
  }

  private static SubmissionRefused preflightFailure(Throwable e, JobSpec spec) {
    if (e instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return new SubmissionRefused(Reason.NO_WORKER, List.of(
            "start a worker (ferry worker --join …) and submit again; workers check the databases before a job is accepted"));
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new SubmissionRefused(Reason.PREFLIGHT_TIMED_OUT, List.of(
            "no worker answered within " + PREFLIGHT_TIMEOUT_MILLIS / 1000 + " s: check the workers' logs and the databases' reachability"));
      }
    }
    return SubmissionRefused.scrubbed(Reason.PREFLIGHT_BROKE, List.of(String.valueOf(e.getMessage())), spec);
  }

  /** Step 5: the coordinator records the job in the target, so it must reach it too. */
  /**
   * Starts the coordinator's own connection check to the target, which runs while a worker preflights the
   * job rather than after it; a preflight's refusal is still the one reported.
   */
  private Future<Void> checkTarget(JobSpec spec, Target target) {
    return store.check(target).recover(e -> Future.failedFuture(SubmissionRefused.scrubbed(Reason.TARGET_UNREACHABLE,
        List.of("the coordinator records job state in the target's ferry schema and could not connect to "
            + target.url() + " as " + target.user() + ": " + reason(e, target)), spec)));
  }

  private static String reason(Throwable e, Target target) {
    String reason = ConnectionFailure.reason(e, target.url(), target.user(), "the coordinator");
    return reason != null ? reason : String.valueOf(e.getMessage());
  }
}
