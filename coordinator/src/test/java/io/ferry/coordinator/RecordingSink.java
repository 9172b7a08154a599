package io.ferry.coordinator;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.schedule.StateSink;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;

/** A state sink that remembers every write, in order. */
public final class RecordingSink implements StateSink {

  public final List<JobRecord> jobs = new ArrayList<>();
  public final List<WorkUnit> units = new ArrayList<>();

  @Override
  public void saveJob(JobRecord job) {
    jobs.add(job);
  }

  @Override
  public void saveUnit(WorkUnit unit) {
    units.add(unit);
  }
}
