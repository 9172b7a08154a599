package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.spec.Limits;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.WorkUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * The concurrency limits a claim must respect: {@code limits.maxUnits} (units of a job running at once)
 * and {@code limits.maxUnitsPerSource} (copy and verify units reading one source server at once, counted over every
 * job reading that server, so one district's server is never hit by every worker). Built from the units
 * in flight when a claim starts, and updated as the claim picks units, so one claim cannot overshoot.
 */
final class ClaimBudget {

  private final JobBoard board;
  private final Map<String, Integer> jobUnits = new HashMap<>();
  private final Map<String, Integer> sourceUnits = new HashMap<>();

  private ClaimBudget(JobBoard board) {
    this.board = board;
  }

  /** The budget of a claim starting now; null when no job has a concurrency limit (nothing to count then). */
  static ClaimBudget of(JobBoard board) {
    boolean limited = false;
    for (JobRecord job : board.jobs()) {
      Limits limits = job.spec() == null ? Limits.NONE : job.spec().limitsOrNone();
      limited |= limits.maxUnits() != null || limits.maxUnitsPerSource() != null;
    }
    if (!limited) {
      return null;
    }
    ClaimBudget budget = new ClaimBudget(board);
    for (WorkUnit u : board.leased()) {
      budget.take(u);
    }
    return budget;
  }

  boolean allows(WorkUnit unit) {
    Limits limits = limits(unit);
    if (limits.maxUnits() != null && jobUnits.getOrDefault(unit.jobId(), 0) >= limits.maxUnits()) {
      return false;
    }
    String server = server(unit);
    return limits.maxUnitsPerSource() == null || server == null
        || sourceUnits.getOrDefault(server, 0) < limits.maxUnitsPerSource();
  }

  void take(WorkUnit unit) {
    jobUnits.merge(unit.jobId(), 1, Integer::sum);
    String server = server(unit);
    if (server != null) {
      sourceUnits.merge(server, 1, Integer::sum);
    }
  }

  private Limits limits(WorkUnit unit) {
    JobRecord job = board.job(unit.jobId());
    return job == null || job.spec() == null ? Limits.NONE : job.spec().limitsOrNone();
  }

  /** The source server a copy, verify or repair unit reads; null for units that touch only the target. */
  private String server(WorkUnit unit) {
    if (!UnitIndex.ranged(unit) || unit.slice().tenantId() == null) {
      return null;
    }
    JobRecord job = board.job(unit.jobId());
    if (job == null || job.spec() == null || job.spec().source() == null) {
      return null;
    }
    for (TenantSpec t : job.spec().source().tenants()) {
      if (unit.slice().tenantId().equals(t.id())) {
        return SourceServers.of(t.url());
      }
    }
    return null;
  }
}
