package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.unit.WorkUnit;

/**
 * Where state transitions go to become durable. The production sink writes through the cluster maps to
 * the target's {@code ferry} schema; tests use a recording fake. Calls must not block: they are made
 * from the event loop.
 */
public interface StateSink {

  void saveJob(JobRecord job);

  void saveUnit(WorkUnit unit);
}
