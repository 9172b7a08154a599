package io.ferry.coordinator.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.unit.WorkUnit;
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
    String error,
    List<ScopeState> scopes) {

  public JobRecord(String id, String name, JobSpec spec, JobState state, JobPhase phase, long createdAt, Long startedAt,
                   Long finishedAt, List<TablePlan> plans, String error) {
    this(id, name, spec, state, phase, createdAt, startedAt, finishedAt, plans, error, null);
  }

  public JobRecord withState(JobState newState, Long newFinishedAt, String newError) {
    return new JobRecord(id, name, spec, newState, phase, createdAt, startedAt, newFinishedAt, plans, newError, scopes);
  }

  /** The same job with other limits (PATCH); the rest of the spec never changes after submission. */
  public JobRecord withLimits(io.ferry.protocol.spec.Limits limits) {
    return new JobRecord(id, name, spec.withLimits(limits), state, phase, createdAt, startedAt, finishedAt, plans, error, scopes);
  }

  /** The same job with its paused and cancelled scopes replaced (an empty list is stored as none). */
  public JobRecord withScopes(List<ScopeState> newScopes) {
    return new JobRecord(id, name, spec, state, phase, createdAt, startedAt, finishedAt, plans, error,
        newScopes == null || newScopes.isEmpty() ? null : List.copyOf(newScopes));
  }

  /** The paused and cancelled tenants and tables of the job; empty when none. */
  public List<ScopeState> scopesOrNone() {
    return scopes == null ? List.of() : scopes;
  }

  /** The state a unit is held in ({@code cancelled} before {@code paused}), null when no scope covers it. */
  public JobState scopeState(WorkUnit unit) {
    JobState held = null;
    for (ScopeState h : scopesOrNone()) {
      if (h.covers(unit) && held != JobState.CANCELLED) {
        held = h.state();
      }
    }
    return held;
  }

  /** Whether a paused or cancelled scope covers every table of the tenant. */
  public boolean tenantStopped(String tenant) {
    return tenant != null && scopesOrNone().stream().anyMatch(h -> h.table() == null && tenant.equals(h.tenant()));
  }

  /** The state a tenant's share of a table is held in (tenant null: the table across tenants), null when none. */
  public JobState scopeState(String tenant, String table) {
    JobState held = null;
    for (ScopeState h : scopesOrNone()) {
      boolean covers = tenant == null ? h.tenant() == null && (h.table() == null || h.table().equals(table)) : h.covers(tenant, table);
      if (covers && held != JobState.CANCELLED) {
        held = h.state();
      }
    }
    return held;
  }

  public JobRecord withPhase(JobPhase newPhase) {
    return new JobRecord(id, name, spec, state, newPhase, createdAt, startedAt, finishedAt, plans, error, scopes);
  }
}
