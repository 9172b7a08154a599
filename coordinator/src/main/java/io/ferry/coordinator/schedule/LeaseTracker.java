package io.ferry.coordinator.schedule;

import io.ferry.protocol.LogContext;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases: a worker keeps a claimed unit only while it says so. Heartbeats renew the leases of the units a
 * worker names (in memory: a restarted coordinator gives every lease a fresh deadline anyway) and say which
 * of them wait unstarted for a slot ({@link JobBoard#held}); a lease
 * past its deadline, or held by a worker that left the cluster, goes back to the queue. The attempt the
 * claim counted stays counted. The unit's epoch is not reset, and the next claim increments it, so the
 * old holder can no longer commit a checkpoint or report a result for it.
 */
public final class LeaseTracker {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseTracker.class);

  private final JobBoard board;
  private final long leaseTimeoutMillis;

  public LeaseTracker(JobBoard board, long leaseTimeoutMillis) {
    this.board = board;
    this.leaseTimeoutMillis = leaseTimeoutMillis;
  }

  /**
   * Renews the named units the worker still holds and returns those it does not: the worker must stop
   * them. Names are unit ids, or {@code jobId/unitId} (unit ids are unique only within a job).
   */
  public List<String> renew(Heartbeat heartbeat, long now) {
    List<String> lost = new ArrayList<>();
    if (heartbeat.activeUnits() == null) {
      return lost;
    }
    List<WorkUnit> held = board.leasedBy(heartbeat.workerId());
    Set<String> unstarted = heartbeat.heldUnits() == null ? Set.of() : Set.copyOf(heartbeat.heldUnits());
    for (String name : heartbeat.activeUnits()) {
      boolean found = false;
      for (WorkUnit u : held) {
        if (name.equals(u.id()) || name.equals(JobBoard.key(u))) {
          WorkUnit renewed = u.renewed(now + leaseTimeoutMillis);
          board.keep(renewed);
          board.held(renewed, unstarted.contains(name));
          found = true;
        }
      }
      if (!found) {
        lost.add(name);
      }
    }
    return lost;
  }

  /** Requeues every lease past its deadline; returns how many. */
  public int expire(long now) {
    int expired = 0;
    for (WorkUnit u : board.leased()) {
      if (u.lease().expiresAt() < now) {
        try (LogContext ignored = LogContext.of(u)) {
          LOG.warn("lease of {} on worker {} expired: back to the queue", u.describe(), u.lease().workerId());
          release(u);
        }
        expired++;
      }
    }
    return expired;
  }

  /** Requeues every unit leased by a worker that left the cluster; returns how many. */
  public int releaseWorker(String workerId) {
    List<WorkUnit> held = board.leasedBy(workerId);
    for (WorkUnit u : held) {
      try (LogContext ignored = LogContext.of(u)) {
        LOG.warn("worker {} left the cluster: {} back to the queue", workerId, u.describe());
        release(u);
      }
    }
    return held.size();
  }

  /**
   * Start-up: requeues at once every unit leased by a worker that is not a member of the cluster now,
   * instead of waiting for its lease to lapse. A worker that lost its coordinator joins the new one
   * under a new id, so most leases of a restarted coordinator go back here; should the old holder
   * still be finishing a chunk, the checkpoint's epoch fencing keeps it from committing over the next
   * holder. Returns how many.
   */
  public int releaseAbsent(Set<String> memberIds) {
    int released = 0;
    for (WorkUnit u : board.leased()) {
      if (!memberIds.contains(u.lease().workerId())) {
        try (LogContext ignored = LogContext.of(u)) {
          LOG.info("{} was leased by worker {}, which is no longer in the cluster: back to the queue", u.describe(),
              u.lease().workerId());
          release(u);
        }
        released++;
      }
    }
    return released;
  }

  /** Gives every lease a fresh deadline: used at start-up, so live workers keep theirs through heartbeats. */
  public void refreshAll(long now) {
    for (WorkUnit u : board.leased()) {
      board.keep(u.renewed(now + leaseTimeoutMillis));
    }
  }

  private void release(WorkUnit u) {
    board.save(u.withState(UnitState.PENDING));
  }
}
