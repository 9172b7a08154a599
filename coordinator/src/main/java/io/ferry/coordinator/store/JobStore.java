package io.ferry.coordinator.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ferry.coordinator.CoordinatorCluster;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.schedule.StateSink;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's record of jobs and units: the {@code ferry.jobs} / {@code ferry.units} maps, backed
 * by each job's target. Everything that may block (JDBC, map calls that may load from a store) runs on
 * the {@code ferry-store} worker pool; only the non-blocking {@link #sink()} is used from the event loop.
 */
public final class JobStore {

  /**
   * Everything recorded, as loaded at start-up.
   *
   * @param units every unit, its epoch raised to its checkpoint's where that is newer (see
   *              {@link UnitMapStore#store}: a worker may hold an epoch whose lease record was lost)
   */
  public record Loaded(List<JobRecord> jobs, List<WorkUnit> units, List<TargetStore.DoneCheckpoint> doneCheckpoints) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  private final HazelcastInstance hazelcast;
  private final TargetStore store;
  private final WorkerExecutor executor;
  private volatile IMap<String, String> jobs;
  private volatile IMap<String, String> units;

  public JobStore(HazelcastInstance hazelcast, TargetStore store, WorkerExecutor executor) {
    this.hazelcast = hazelcast;
    this.store = store;
    this.executor = executor;
  }

  /**
   * Start-up: touching the maps runs their EAGER initial load (every target in the registry), then
   * reads them back, plus the workers' done checkpoints for reconciliation.
   */
  public Future<Loaded> load() {
    return executor.executeBlocking(() -> {
      LOG.info("loading job state: step 1 - reading {} target(s) from the registry", store.registry().jobsByTarget().size());
      jobs = hazelcast.getMap(CoordinatorCluster.JOBS_MAP);
      units = hazelcast.getMap(CoordinatorCluster.UNITS_MAP);
      List<JobRecord> jobRecords = new ArrayList<>();
      for (Map.Entry<String, String> e : jobs.entrySet()) {
        jobRecords.add(Json.decode(e.getValue(), JobRecord.class));
      }
      jobRecords.sort((a, b) -> Long.compare(a.createdAt(), b.createdAt()));
      LOG.info("loading job state: step 2 - {} job(s), {} unit(s) loaded; reading checkpoints", jobRecords.size(), units.size());
      List<TargetStore.DoneCheckpoint> done = new ArrayList<>();
      Map<String, Long> epochs = new HashMap<>();
      store.registry().jobsByTarget().forEach((target, ids) -> {
        try {
          done.addAll(store.doneCheckpoints(target, ids));
          epochs.putAll(store.checkpointEpochs(target, ids));
        } catch (Exception e) {
          LOG.error("cannot read checkpoints of jobs {} from {}: {}", ids, target.url(), e.getMessage());
        }
      });
      List<WorkUnit> unitRecords = new ArrayList<>();
      for (Map.Entry<String, String> e : units.entrySet()) {
        unitRecords.add(Json.decode(e.getValue(), WorkUnit.class).withEpochAtLeast(epochs.getOrDefault(e.getKey(), 0L)));
      }
      return new Loaded(jobRecords, unitRecords, done);
    }, false);
  }

  /** Non-blocking writes of state transitions; only valid after {@link #load()}. */
  public StateSink sink() {
    return new StateSink() {
      private MapStateSink delegate;

      private MapStateSink delegate() {
        if (delegate == null) {
          if (jobs == null) {
            throw new IllegalStateException("the job store is not loaded yet");
          }
          delegate = new MapStateSink(jobs, new UnitRecorder(store, (key, body) -> units.putTransient(key, body, 0, TimeUnit.SECONDS)));
        }
        return delegate;
      }

      @Override
      public CompletionStage<Void> saveJob(JobRecord job) {
        return delegate().saveJob(job);
      }

      @Override
      public CompletionStage<Void> saveUnit(WorkUnit unit) {
        return delegate().saveUnit(unit);
      }
    };
  }

  /** Checks that the coordinator can reach a job's target (the store of its record). */
  public Future<Void> check(Target target) {
    return executor.executeBlocking(() -> {
      store.check(target);
      return null;
    }, false);
  }

  /**
   * Records a new job: the target joins the registry, the {@code ferry} schema is ensured (once per target
   * in this process, see {@link TargetStore#ensureSchema}), the job and
   * its units are written in one target transaction, then put into the maps without a second write
   * ({@code putTransient}: the store already has them). {@code admission} is shown every job recorded in
   * the target (by this or any other coordinator) in that transaction; when it finds problems, nothing is
   * written and the future fails with {@link TargetStore.Refused}.
   */
  public Future<Void> create(Target target, JobRecord job, List<WorkUnit> jobUnits, TargetStore.Admission admission) {
    return executor.executeBlocking(() -> {
      store.registry().put(job.id(), target);
      String jobBody = Json.encode(job);
      Map<String, String> unitBodies = new LinkedHashMap<>();
      for (WorkUnit u : jobUnits) {
        unitBodies.put(u.id(), Json.encode(u));
      }
      try {
        store.insertJob(target, job.id(), jobBody, unitBodies, admission);
      } catch (Exception e) {
        store.registry().remove(job.id());
        throw e;
      }
      jobs.putTransient(job.id(), jobBody, 0, TimeUnit.SECONDS);
      unitBodies.forEach((unitId, body) -> units.putTransient(job.id() + "/" + unitId, body, 0, TimeUnit.SECONDS));
      return null;
    }, false);
  }
}
