package io.ferry.coordinator.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import java.util.List;

/**
 * A job as the coordinator records it in {@code ferry.jobs} (as JSON). The spec is stored
 * {@link JobSpec#withoutSecrets() without secrets}: password references survive, literal passwords do not.
 * Times are epoch milliseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(
    String id,
    String name,
    JobSpec spec,
    JobState state,
    JobPhase phase,
    long createdAt,
    Long startedAt,
    Long finishedAt,
    List<TablePlan> plans,
    String error) {

  public JobRecord withState(JobState newState, Long newFinishedAt, String newError) {
    return new JobRecord(id, name, spec, newState, phase, createdAt, startedAt, newFinishedAt, plans, newError);
  }

  /** The same job with other limits (PATCH); the rest of the spec never changes after submission. */
  public JobRecord withLimits(io.ferry.protocol.spec.Limits limits) {
    return new JobRecord(id, name, spec.withLimits(limits), state, phase, createdAt, startedAt, finishedAt, plans, error);
  }

  public JobRecord withPhase(JobPhase newPhase) {
    return new JobRecord(id, name, spec, state, newPhase, createdAt, startedAt, finishedAt, plans, error);
  }
}
