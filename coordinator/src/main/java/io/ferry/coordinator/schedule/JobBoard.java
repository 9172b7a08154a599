package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.JobTransitions;
import io.ferry.coordinator.job.UnitTransitions;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;

/**
 * The coordinator's in-memory view of every job and work unit: what the scheduler reads to hand out
 * work and the API reads to answer. It is confined to the coordinator verticle's event loop (no locks).
 *
 * <p>Two kinds of change: {@link #save} for state transitions, which also go to the {@link StateSink}
 * (and so to the target database), and {@link #keep} for in-memory-only changes (chunk progress, lease
 * renewals) whose durable form is the worker's checkpoint or that do not outlive the coordinator anyway.
 * Not-before times of retried units, their last backoff and when their run of failures began are
 * memory-only too: after a restart a retried unit is simply ready at once, with a fresh time budget
 * (its attempts are durable).
 */
public final class JobBoard {

  private final StateSink sink;
  private final Runnable unitsReady;
  private final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  private final Map<String, Map<String, WorkUnit>> units = new HashMap<>();
  /** What claims, results, heartbeats and lease checks look through instead of every unit ever held. */
  private final UnitIndex index = new UnitIndex();
  /** Per job: units added, and units that went back from done (see {@link #regressions}). */
  private final Map<String, Long> regressions = new HashMap<>();
  private final Map<String, Long> notBefore = new HashMap<>();
  private final Map<String, Long> lastBackoff = new HashMap<>();
  private final Map<String, Long> failingSince = new HashMap<>();
  /** Leased units their worker holds unstarted (claimed ahead, waiting for a slot), as its heartbeats say. */
  private final Set<String> held = new HashSet<>();

  public JobBoard(StateSink sink) {
    this(sink, () -> { });
  }

  /**
   * @param unitsReady called when units may have become claimable (a pending unit was added or saved, a
   *                   job was saved running or verifying), so idle workers can be told at once; it may be called
   *                   several times per change and should coalesce
   */
  public JobBoard(StateSink sink, Runnable unitsReady) {
    this.sink = sink;
    this.unitsReady = unitsReady;
  }

  public static String key(String jobId, String unitId) {
    return jobId + "/" + unitId;
  }

  public static String key(WorkUnit unit) {
    return key(unit.jobId(), unit.id());
  }

  /** Adds a job already recorded elsewhere (just stored, or loaded at start-up): nothing is written. */
  public void add(JobRecord job, Collection<WorkUnit> jobUnits) {
    jobs.put(job.id(), job);
    for (WorkUnit unit : jobUnits) {
      put(unit);
    }
    // Asked of the job, not of jobUnits: a job put on the board in turns ({@link JobIntake}) comes with its last units only.
    if (handsOut(job.state()) && (!index.pendingOthers(job.id()).isEmpty() || !index.pendingCopies(job.id()).isEmpty())) {
      unitsReady.run();
    }
  }

  /**
   * Puts units of a job that is not on the board yet ({@link JobIntake}): until {@link #add} puts the job,
   * nothing hands them out, lists them or settles them, since every one of those goes through the job.
   */
  void addUnits(Collection<WorkUnit> jobUnits) {
    for (WorkUnit unit : jobUnits) {
      put(unit);
    }
  }

  public JobRecord job(String id) {
    return jobs.get(id);
  }

  public Collection<JobRecord> jobs() {
    return jobs.values();
  }

  public Collection<WorkUnit> units(String jobId) {
    Map<String, WorkUnit> byId = units.get(jobId);
    return byId == null ? List.of() : byId.values();
  }

  /**
   * Up to {@code limit} of the job's units of {@code kind} and {@code state} (null: any) after unit {@code after}
   * (null: from the first), in the order of {@link #units(String)}; it costs the units returned, not the job's.
   */
  public List<WorkUnit> units(String jobId, UnitKind kind, UnitState state, String after, int limit) {
    return index.page(jobId, kind, state, after, limit);
  }

  public WorkUnit unit(String jobId, String unitId) {
    Map<String, WorkUnit> byId = units.get(jobId);
    return byId == null ? null : byId.get(unitId);
  }

  /** Records a job transition ({@link JobTransitions} refuses one it does not allow); the stage completes once the target has it. */
  public CompletionStage<Void> save(JobRecord job) {
    JobRecord known = jobs.get(job.id());
    if (known != null) {
      JobTransitions.check(job.id(), known.state(), job.state());
    }
    JobRecord before = jobs.put(job.id(), job);
    if (handsOut(job.state()) && (before == null || !handsOut(before.state()))) {
      unitsReady.run();
    }
    return sink.saveJob(job);
  }

  /** The states in which a job's units are handed out to workers. */
  public static boolean handsOut(JobState state) {
    return state == JobState.RUNNING || state == JobState.VERIFYING;
  }

  /** Records a unit transition; the stage completes once the target has it. */
  public CompletionStage<Void> save(WorkUnit unit) {
    keep(unit);
    if (unit.state() == UnitState.PENDING) {
      unitsReady.run();
    }
    return sink.saveUnit(unit);
  }

  /**
   * A blocked unit's dependencies are done: it is pending now, in memory only. Whether a unit is blocked
   * or pending follows from the other units' states, and {@link Unblocker#settle} works it out again at
   * start-up, so writing it would only cost a target round trip per unit (a job's copies are unblocked
   * all at once, when their table is created, and those writes delayed the first claims' leases).
   */
  public void unblocked(WorkUnit unit) {
    keep(unit);
    unitsReady.run();
  }

  /** Replaces a unit in memory; {@link UnitTransitions} refuses a state change it does not allow. */
  public void keep(WorkUnit unit) {
    WorkUnit known = unit(unit.jobId(), unit.id());
    if (known != null) {
      UnitTransitions.check(known, unit);
    }
    put(unit);
  }

  private void put(WorkUnit unit) {
    WorkUnit before = units.computeIfAbsent(unit.jobId(), id -> new LinkedHashMap<>()).put(unit.id(), unit);
    index.replaced(before, unit);
    if (before == null || before.state() == UnitState.DONE && unit.state() != UnitState.DONE) {
      regressions.merge(unit.jobId(), 1L, Long::sum);
    }
    if (unit.state() != UnitState.LEASED) {
      held.remove(key(unit));
    }
  }

  /**
   * How many times a unit was added to the job or went back from done: the only changes after which a unit
   * found ready to run may not be any more ({@link Unblocking}).
   */
  long regressions(String jobId) {
    return regressions.getOrDefault(jobId, 0L);
  }

  /**
   * Whether the worker that leased {@code unit} holds it unstarted, a successor waiting for a slot (memory
   * only: the next heartbeat says it again). Such a unit is still leased, but counted as pending work.
   */
  public void held(WorkUnit unit, boolean unstarted) {
    if (unstarted && unit.state() == UnitState.LEASED) {
      held.add(key(unit));
    } else {
      held.remove(key(unit));
    }
  }

  public long notBefore(WorkUnit unit) {
    return notBefore.getOrDefault(key(unit), 0L);
  }

  public void notBefore(WorkUnit unit, long at) {
    notBefore.put(key(unit), at);
  }

  public long lastBackoff(WorkUnit unit) {
    return lastBackoff.getOrDefault(key(unit), 0L);
  }

  public void lastBackoff(WorkUnit unit, long millis) {
    lastBackoff.put(key(unit), millis);
  }

  /** When the unit's current run of failures began: {@code now} for its first failure. */
  public long failingSince(WorkUnit unit, long now) {
    return failingSince.computeIfAbsent(key(unit), k -> now);
  }

  /**
   * A claimed unit no longer waits, but keeps its last backoff and when its failures began: those
   * grow the next backoff and spend the time budget if this attempt fails too.
   */
  public void claimed(WorkUnit unit) {
    notBefore.remove(key(unit));
  }

  /** A unit that committed progress has recovered: a later failure starts a new time budget. */
  public void progressed(WorkUnit unit) {
    failingSince.remove(key(unit));
    held.remove(key(unit));
  }

  public void clearRetry(WorkUnit unit) {
    notBefore.remove(key(unit));
    lastBackoff.remove(key(unit));
    failingSince.remove(key(unit));
  }

  public List<WorkUnit> leasedBy(String workerId) {
    return List.copyOf(index.leasedBy(workerId));
  }

  /** Leased copy, verify and repair units per job and tenant ({@code jobId/tenantId}): what claims share fairly. */
  Map<String, Integer> inFlight() {
    return index.inFlight();
  }

  /** The leased units of every job (a copy: callers save units while they go through it). */
  public List<WorkUnit> leased() {
    return List.copyOf(index.leased());
  }

  /**
   * The job's pending range units (copy and verify units) by tenant id, each tenant's largest first: the
   * order claims take them in.
   */
  SortedMap<String, NavigableSet<WorkUnit>> pendingCopies(String jobId) {
    return index.pendingCopies(jobId);
  }

  /** The job's pending units that are not range units (prepare, finish, rollback, restore). */
  Collection<WorkUnit> pendingOthers(String jobId) {
    return index.pendingOthers(jobId);
  }

  /** How many copy units of the job's target table {@code table} are not done. */
  int openCopies(String jobId, String table) {
    return index.openCopies(jobId, table);
  }

  /** How many verify units of the job are not done. */
  int openVerifies(String jobId) {
    return index.openVerifies(jobId);
  }

  /**
   * Rows the job's copy units of target table {@code table} have committed and still hold: a rolled-back
   * unit holds none again, so this is what the table holds of the job, not what was ever written.
   */
  public long copiedRows(String jobId, String table) {
    return index.copied(jobId, table)[0];
  }

  /** Bytes, as {@link #copiedRows}. */
  public long copiedBytes(String jobId, String table) {
    return index.copied(jobId, table)[1];
  }

  /**
   * The job's units by state as operators see them: a unit its worker holds unstarted counts as pending
   * (it waits for a slot like a queued one, and the autoscaler must see it), not leased.
   */
  public Map<UnitState, Long> waitingCounts(String jobId) {
    Map<UnitState, Long> counts = counts(jobId);
    long unstarted = held(jobId);
    counts.merge(UnitState.LEASED, -unstarted, Long::sum);
    counts.merge(UnitState.PENDING, unstarted, Long::sum);
    return counts;
  }

  /** How many of the job's leased units their workers hold unstarted. */
  public long held(String jobId) {
    long n = 0;
    for (String k : held) {
      if (k.startsWith(jobId + "/")) {
        n++;
      }
    }
    return n;
  }

  public Map<UnitState, Long> counts(String jobId) {
    return index.tally(jobId).counts();
  }

  /** The job's units summed (kept up to date at every change: reading it costs the job's tables, not its units). */
  public JobTally tally(String jobId) {
    return index.tally(jobId);
  }

  /** The job's units of target table {@code table}; null: its job-level units. */
  Collection<WorkUnit> units(String jobId, String table) {
    return index.units(jobId, table);
  }
}
