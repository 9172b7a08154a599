package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The coordinator's in-memory view of every job and work unit: what the scheduler reads to hand out
 * work and the API reads to answer. It is confined to the coordinator verticle's event loop (no locks).
 *
 * <p>Two kinds of change: {@link #save} for state transitions, which also go to the {@link StateSink}
 * (and so to the target database), and {@link #keep} for in-memory-only changes (chunk progress, lease
 * renewals) whose durable form is the worker's checkpoint or that do not outlive the coordinator anyway.
 * Not-before times of retried units and their last backoff are memory-only too: after a restart a
 * retried unit is simply ready at once.
 */
public final class JobBoard {

  private final StateSink sink;
  private final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  private final Map<String, Map<String, WorkUnit>> units = new HashMap<>();
  private final Map<String, Long> notBefore = new HashMap<>();
  private final Map<String, Long> lastBackoff = new HashMap<>();

  public JobBoard(StateSink sink) {
    this.sink = sink;
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
    Map<String, WorkUnit> byId = units.computeIfAbsent(job.id(), id -> new LinkedHashMap<>());
    for (WorkUnit unit : jobUnits) {
      byId.put(unit.id(), unit);
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

  public WorkUnit unit(String jobId, String unitId) {
    Map<String, WorkUnit> byId = units.get(jobId);
    return byId == null ? null : byId.get(unitId);
  }

  /** Records a job transition; the stage completes once the target has it. */
  public CompletionStage<Void> save(JobRecord job) {
    jobs.put(job.id(), job);
    return sink.saveJob(job);
  }

  /** Records a unit transition; the stage completes once the target has it. */
  public CompletionStage<Void> save(WorkUnit unit) {
    keep(unit);
    return sink.saveUnit(unit);
  }

  public void keep(WorkUnit unit) {
    units.computeIfAbsent(unit.jobId(), id -> new LinkedHashMap<>()).put(unit.id(), unit);
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

  public void clearRetry(WorkUnit unit) {
    notBefore.remove(key(unit));
    lastBackoff.remove(key(unit));
  }

  public List<WorkUnit> leasedBy(String workerId) {
    return units.values().stream().flatMap(m -> m.values().stream())
        .filter(u -> u.state() == UnitState.LEASED && workerId.equals(u.workerId()))
        .toList();
  }

  public List<WorkUnit> leased() {
    return units.values().stream().flatMap(m -> m.values().stream())
        .filter(u -> u.state() == UnitState.LEASED)
        .toList();
  }

  public Map<UnitState, Long> counts(String jobId) {
    Map<UnitState, Long> counts = new EnumMap<>(UnitState.class);
    for (UnitState s : UnitState.values()) {
      counts.put(s, 0L);
    }
    for (WorkUnit u : units(jobId)) {
      counts.merge(u.state(), 1L, Long::sum);
    }
    return counts;
  }
}
