package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.unit.WorkUnit;
import java.util.concurrent.CompletionStage;

/**
 * Where state transitions go to become durable. The production sink writes through the cluster maps to
 * the target's {@code ferry} schema; tests use a recording fake. Calls must not block: they are made
 * from the event loop. Each returns when the write is recorded, so that a caller that must not act on
 * an unrecorded state (handing out a lease, answering a pause) can wait for it.
 */
public interface StateSink {

  CompletionStage<Void> saveJob(JobRecord job);

  CompletionStage<Void> saveUnit(WorkUnit unit);
}
