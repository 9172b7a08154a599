package io.ferry.coordinator.job;

/**
 * What a scoped pause, resume or cancel names (the body of {@code POST /api/v1/jobs/{id}/pause|resume|cancel}): a
 * tenant, a target table or one tenant's table of a job. A null tenant or table means every one. The job keeps
 * what it holds back as {@link ScopeState}s.
 */
public record Scope(String tenant, String table) {

  /** "tenant a, table app.orders", as messages name the scope. */
  public String describe() {
    return ScopeState.describe(tenant, table);
  }
}
