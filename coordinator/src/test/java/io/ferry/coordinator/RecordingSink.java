package io.ferry.coordinator;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.schedule.StateSink;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A state sink that remembers every write, in order. */
public final class RecordingSink implements StateSink {

  public final List<JobRecord> jobs = new ArrayList<>();
  public final List<WorkUnit> units = new ArrayList<>();

  @Override
  public CompletionStage<Void> saveJob(JobRecord job) {
    jobs.add(job);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> saveUnit(WorkUnit unit) {
    units.add(unit);
    return CompletableFuture.completedFuture(null);
  }
}
