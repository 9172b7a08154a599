package io.ferry.coordinator.store;

import com.hazelcast.map.IMap;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.StateSink;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.WorkUnit;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes state transitions without blocking: a job's through its cluster map and write-through store
 * ({@code setAsync} hands the write to the key's partition thread, and operations on one key run in the
 * order they were issued), units' through the {@link UnitRecorder}, in batches and in order.
 */
final class MapStateSink implements StateSink {

  private static final Logger LOG = LoggerFactory.getLogger(MapStateSink.class);

  private final IMap<String, String> jobs;
  private final UnitRecorder units;

  MapStateSink(IMap<String, String> jobs, UnitRecorder units) {
    this.jobs = jobs;
    this.units = units;
  }

  @Override
  public CompletionStage<Void> saveJob(JobRecord job) {
    return jobs.setAsync(job.id(), Json.encode(job)).whenComplete((v, e) -> {
      if (e != null) {
        // A target restarting: the job's next state is written whole, and a restart settles it from its units.
        LOG.warn("job {}: state {} not recorded in the target (the job's next state records it): {}", job.id(),
            job.state().wireName(), e.getMessage());
      }
    });
  }

  @Override
  public CompletionStage<Void> saveUnit(WorkUnit unit) {
    return units.save(JobBoard.key(unit), Json.encode(unit)).whenComplete((v, e) -> {
      if (e != null) {
        // Recovered, so a warning: the unit's next state is written whole, and a restart reads its checkpoint.
        LOG.warn("{}: state {} not recorded in the target (its next state, or its checkpoint at a restart, records it): {}",
            unit.describe(), unit.state().wireName(), e.getMessage());
      }
    });
  }
}
