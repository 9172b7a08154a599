package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hands ready work units to a worker that asks for them (workers pull; the coordinator never pushes).
 *
 * <p>Order: prepare and finish units first, because each one unblocks others (a prepare unblocks a
 * table's copies, a finish the job's foreign keys). Then copy and verify units (a verifying job has only
 * those), <em>fair across tenants</em> and
 * <em>largest-first</em> within a tenant: the next unit goes to the tenant with the fewest units in
 * flight (ties: round-robin after the tenant served last), so one tenant with a thousand units never
 * starves a tenant with ten; largest-first so the long units start early and the job does not end
 * waiting on one big straggler.
 *
 * <p>A claim is answered only once its leases are recorded in the target ({@link Claim#recorded()}):
 * the epoch a worker fences its checkpoints with must never be one a restarted coordinator could hand
 * out again, which would happen if the coordinator died after replying but before the write. The record
 * is visible then, not yet flushed; how an epoch is still never held twice is in
 * {@code UnitMapStore#store}.
 */
public final class Scheduler {

  /** The assignments of one claim, and when their leases are recorded (reply only then). */
  public record Claim(List<Assignment> assignments, CompletionStage<Void> recorded) {
  }

  private final JobBoard board;
  private final AssignmentFactory assignments;
  private final JobSecrets secrets;
  private final long leaseTimeoutMillis;
  private String lastTenant = "";

  public Scheduler(JobBoard board, AssignmentFactory assignments, JobSecrets secrets, long leaseTimeoutMillis) {
    this.board = board;
    this.assignments = assignments;
    this.secrets = secrets;
    this.leaseTimeoutMillis = leaseTimeoutMillis;
  }

  public Claim claim(String workerId, int slots, long now) {
    if (slots <= 0 || workerId == null || workerId.isBlank()) {
      return new Claim(List.of(), CompletableFuture.completedFuture(null));
    }
    List<WorkUnit> ready = new ArrayList<>();
    Map<String, Integer> inFlight = board.inFlight();
    for (JobRecord job : board.jobs()) {
      // A rollback runs while its job is stopped (no copy may write the rows it deletes), so only
      // rollback units go out for a job that is not running, and restore units once none of its units runs.
      boolean running = JobBoard.handsOut(job.state());
      // A finished job has nothing to hand out: its spec is not even looked at.
      if (!running && board.pendingOthers(job.id()).isEmpty() || secrets.missing(job)) {
        continue;
      }
      for (WorkUnit u : board.pendingOthers(job.id())) {
        boolean stoppedOnly = u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE && Restores.nothingRuns(board, job.id());
        if ((running || stoppedOnly) && board.notBefore(u) <= now && job.scopeState(u) == null) {
          ready.add(u);
        }
      }
      if (running) {
        // A claim takes at most `slots` units of one tenant: its first ready ones, largest first.
        for (Collection<WorkUnit> queue : board.pendingCopies(job.id()).values()) {
          if (!queue.isEmpty() && job.tenantStopped(queue.iterator().next().slice().tenantId())) {
            continue; // The whole tenant is held: not worth a look at each of its units.
          }
          int taken = 0;
          for (Iterator<WorkUnit> it = queue.iterator(); it.hasNext() && taken < slots; ) {
            WorkUnit u = it.next();
            // A paused or cancelled tenant or table keeps its units (the job's scopes).
            if (board.notBefore(u) <= now && job.scopeState(u) == null) {
              ready.add(u);
              taken++;
            }
          }
        }
      }
    }
    List<Assignment> claimed = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (WorkUnit unit : pick(ready, slots, inFlight, ClaimBudget.of(board))) {
      WorkUnit leased = unit.leased(workerId, now + leaseTimeoutMillis);
      board.claimed(leased);
      writes.add(board.save(leased).toCompletableFuture());
      JobRecord job = board.job(leased.jobId());
      claimed.add(assignments.assignment(job, leased,
          leased.kind() == UnitKind.ROLLBACK ? Rollbacks.copies(board, job, leased) : List.of()));
    }
    return new Claim(claimed, CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
  }

  /** Picks up to {@code slots} of the ready units in claim order; {@code inFlight}: leased range units per tenant. */
  List<WorkUnit> pick(List<WorkUnit> ready, int slots, Map<String, Integer> inFlight) {
    return pick(ready, slots, inFlight, null);
  }

  /** @param budget the job's concurrency limits (null: none) */
  List<WorkUnit> pick(List<WorkUnit> ready, int slots, Map<String, Integer> inFlight, ClaimBudget budget) {
    List<WorkUnit> picked = new ArrayList<>();
    for (WorkUnit u : ready) {
      if (!UnitIndex.ranged(u) && picked.size() < slots && (budget == null || budget.allows(u))) {
        picked.add(u);
        if (budget != null) {
          budget.take(u);
        }
      }
    }
    TreeMap<String, Deque<WorkUnit>> byTenant = new TreeMap<>();
    ready.stream()
        .filter(UnitIndex::ranged)
        .sorted(UnitIndex.LARGEST_FIRST)
        .forEach(u -> byTenant.computeIfAbsent(tenantKey(u), t -> new ArrayDeque<>()).add(u));
    Map<String, Integer> active = new HashMap<>(inFlight);
    while (picked.size() < slots && !byTenant.isEmpty()) {
      String tenant = nextTenant(byTenant, active);
      Deque<WorkUnit> queue = byTenant.get(tenant);
      if (budget != null && !budget.allows(queue.peek())) {
        // Its job or its source server is at its limit: none of this tenant's units can go now.
        byTenant.remove(tenant);
        continue;
      }
      WorkUnit next = queue.poll();
      picked.add(next);
      if (budget != null) {
        budget.take(next);
      }
      if (queue.isEmpty()) {
        byTenant.remove(tenant);
      }
      active.merge(tenant, 1, Integer::sum);
      lastTenant = tenant;
    }
    return picked;
  }

  /** The tenant with the fewest units in flight; among equals, the first one after the tenant served last. */
  private String nextTenant(TreeMap<String, Deque<WorkUnit>> byTenant, Map<String, Integer> active) {
    int fewest = byTenant.keySet().stream().mapToInt(t -> active.getOrDefault(t, 0)).min().orElse(0);
    String first = null;
    for (String tenant : byTenant.keySet()) {
      if (active.getOrDefault(tenant, 0) != fewest) {
        continue;
      }
      if (first == null) {
        first = tenant;
      }
      if (tenant.compareTo(lastTenant) > 0) {
        return tenant;
      }
    }
    return first;
  }

  private static String tenantKey(WorkUnit u) {
    return UnitIndex.tenantKey(u);
  }
}
