package io.ferry.coordinator.schedule;

import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@link JobBoard}'s views of its units by what the scheduler asks, kept up to date at every change
 * of a unit, so that a claim, a result or a lease check costs what it touches rather than the size of
 * the jobs: with thousands of units per job, scanning them all per claim and per result was most of
 * the coordinator's CPU per unit (and grew with the square of the units).
 *
 * <ul>
 *   <li>pending range units ({@link #ranged copy and verify}) per job and tenant, largest first (the order claims
 *   take them in);</li>
 *   <li>the other pending units per job (prepare, finish, rollback);</li>
 *   <li>leased units, of every job;</li>
 *   <li>copy units not done per job and target table (whether a finish can be unblocked), verify units not
 *   done per job (whether the job's verification is over);</li>
 *   <li>rows and bytes the copy units of each job and target table hold now ({@code /metrics}' copied rows);</li>
 *   <li>each job's units per target table (the job-level ones under {@code null}), what the {@link Unblocker} settles
 *   after a table's step;</li>
 *   <li>each job's {@link JobTally}: its units summed for the status, the metrics, the job's phase, the dashboard's
 *   grid and the report;</li>
 *   <li>each job's units in the order the board first held them ({@link UnitListing}), what {@code GET …/units} pages through.</li>
 * </ul>
 */
final class UnitIndex {

  /** Claim order within a tenant: largest first, then by id, so that equal estimates keep a stable order. */
  static final Comparator<WorkUnit> LARGEST_FIRST =
      Comparator.comparingLong((WorkUnit u) -> u.slice().estimatedBytes()).reversed().thenComparing(WorkUnit::id);

  private final Map<String, SortedMap<String, NavigableSet<WorkUnit>>> pendingCopies = new HashMap<>();
  private final Map<String, Map<String, WorkUnit>> pendingOthers = new HashMap<>();
  private final Map<String, WorkUnit> leased = new LinkedHashMap<>();
  private final Map<String, Integer> openCopies = new HashMap<>();
  private final Map<String, Integer> openVerifies = new HashMap<>();
  /** {rows, bytes} of the copy units per job and target table. */
  private final Map<String, long[]> copied = new HashMap<>();
  private final Map<String, Map<String, Map<String, WorkUnit>>> byTable = new HashMap<>();
  private final Map<String, JobTally> tallies = new HashMap<>();
  /** Leased range units per tenant ({@link #tenantKey}), what claims share fairly. */
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Map<String, Map<String, WorkUnit>> leasedByWorker = new HashMap<>();
  private final UnitListing listing = new UnitListing();

  /** {@code before} (null: a new unit) was replaced by {@code after}, the same unit in its new state. */
  void replaced(WorkUnit before, WorkUnit after) {
    if (before != null) {
      remove(before);
    }
    add(after);
    listing.replaced(before, after);
  }

  /** See {@link UnitListing#page}. */
  List<WorkUnit> page(String jobId, UnitKind kind, UnitState state, String after, int limit) {
    return listing.page(jobId, kind, state, after, limit);
  }

  /** Pending copy units of the job by tenant id (tenants in id order), each tenant's largest first. */
  SortedMap<String, NavigableSet<WorkUnit>> pendingCopies(String jobId) {
    SortedMap<String, NavigableSet<WorkUnit>> byTenant = pendingCopies.get(jobId);
    return byTenant == null ? new TreeMap<>() : byTenant;
  }

  /** Pending units of the job other than copy units, in the order they became pending. */
  Collection<WorkUnit> pendingOthers(String jobId) {
    Map<String, WorkUnit> units = pendingOthers.get(jobId);
    return units == null ? List.of() : units.values();
  }

  Collection<WorkUnit> leased() {
    return leased.values();
  }

  /** The units leased by worker {@code workerId}. */
  Collection<WorkUnit> leasedBy(String workerId) {
    Map<String, WorkUnit> units = leasedByWorker.get(workerId);
    return units == null ? List.of() : units.values();
  }

  /** Leased range units per tenant, keyed by {@link #tenantKey} (a copy). */
  Map<String, Integer> inFlight() {
    return new HashMap<>(inFlight);
  }

  /** The key of a unit's job and tenant. */
  static String tenantKey(WorkUnit u) {
    return u.jobId() + "/" + u.slice().tenantId();
  }

  /** Copy units of the job's target table {@code table} that are not done. */
  int openCopies(String jobId, String table) {
    return openCopies.getOrDefault(tableKey(jobId, table), 0);
  }

  /** The job's units of target table {@code table} (null: the job-level units). */
  Collection<WorkUnit> units(String jobId, String table) {
    Map<String, Map<String, WorkUnit>> tables = byTable.get(jobId);
    Map<String, WorkUnit> units = tables == null ? null : tables.get(table);
    return units == null ? List.of() : units.values();
  }

  /** The job's tally; an empty one for a job without units. */
  JobTally tally(String jobId) {
    JobTally tally = tallies.get(jobId);
    return tally == null ? new JobTally() : tally;
  }

  /** Verify units of the job that are not done. */
  int openVerifies(String jobId) {
    return openVerifies.getOrDefault(jobId, 0);
  }

  /**
   * Units that work on one key range of a tenant's table, copy, verify and repair units: claims take them fair
   * across tenants and largest first, and they count against their source server's limit. The job-level
   * verify unit names no table and reads only the target: it is claimed as the job's other units are.
   */
  static boolean ranged(WorkUnit u) {
    return (u.kind() == UnitKind.COPY || u.kind() == UnitKind.VERIFY || u.kind() == UnitKind.REPAIR)
        && u.slice().table() != null;
  }

  /** Rows and bytes the job's copy units of {@code table} have committed and still hold: {rows, bytes}. */
  long[] copied(String jobId, String table) {
    long[] sums = copied.get(tableKey(jobId, table));
    return sums == null ? new long[2] : sums.clone();
  }

  private void count(WorkUnit u, int sign) {
    if (u.kind() == UnitKind.COPY && (u.progress().rows() != 0 || u.progress().bytes() != 0)) {
      long[] sums = copied.computeIfAbsent(tableKey(u.jobId(), u.slice().table()), k -> new long[2]);
      sums[0] += sign * u.progress().rows();
      sums[1] += sign * u.progress().bytes();
    }
  }

  private void add(WorkUnit u) {
    count(u, 1);
    tallies.computeIfAbsent(u.jobId(), j -> new JobTally()).add(u);
    byTable.computeIfAbsent(u.jobId(), j -> new HashMap<>())
        .computeIfAbsent(u.slice().table(), t -> new HashMap<>()).put(u.id(), u);
    if (u.state() == UnitState.PENDING) {
      if (ranged(u)) {
        pendingCopies.computeIfAbsent(u.jobId(), j -> new TreeMap<>())
            .computeIfAbsent(String.valueOf(u.slice().tenantId()), t -> new TreeSet<>(LARGEST_FIRST)).add(u);
      } else {
        pendingOthers.computeIfAbsent(u.jobId(), j -> new LinkedHashMap<>()).put(u.id(), u);
      }
    } else if (u.state() == UnitState.LEASED) {
      leased.put(JobBoard.key(u), u);
      leasedByWorker.computeIfAbsent(u.lease().workerId(), w -> new LinkedHashMap<>()).put(JobBoard.key(u), u);
      if (ranged(u)) {
        inFlight.merge(tenantKey(u), 1, Integer::sum);
      }
    }
    if (u.kind() == UnitKind.COPY && u.state() != UnitState.DONE) {
      openCopies.merge(tableKey(u.jobId(), u.slice().table()), 1, Integer::sum);
    }
    if (u.kind() == UnitKind.VERIFY && u.state() != UnitState.DONE) {
      openVerifies.merge(u.jobId(), 1, Integer::sum);
    }
  }

  private void remove(WorkUnit u) {
    count(u, -1);
    tallies.get(u.jobId()).remove(u);
    byTable.get(u.jobId()).get(u.slice().table()).remove(u.id());
    if (u.state() == UnitState.PENDING) {
      if (ranged(u)) {
        SortedMap<String, NavigableSet<WorkUnit>> byTenant = pendingCopies.get(u.jobId());
        String tenant = String.valueOf(u.slice().tenantId());
        NavigableSet<WorkUnit> queue = byTenant == null ? null : byTenant.get(tenant);
        if (queue != null) {
          queue.remove(u);
          if (queue.isEmpty()) {
            byTenant.remove(tenant);
          }
        }
      } else {
        Map<String, WorkUnit> others = pendingOthers.get(u.jobId());
        if (others != null) {
          others.remove(u.id());
        }
      }
    } else if (u.state() == UnitState.LEASED) {
      leased.remove(JobBoard.key(u));
      Map<String, WorkUnit> byWorker = leasedByWorker.get(u.lease().workerId());
      if (byWorker != null) {
        byWorker.remove(JobBoard.key(u));
        if (byWorker.isEmpty()) {
          leasedByWorker.remove(u.lease().workerId());
        }
      }
      if (ranged(u)) {
        inFlight.computeIfPresent(tenantKey(u), (k, n) -> n > 1 ? n - 1 : null);
      }
    }
    if (u.kind() == UnitKind.COPY && u.state() != UnitState.DONE) {
      openCopies.computeIfPresent(tableKey(u.jobId(), u.slice().table()), (k, n) -> n > 1 ? n - 1 : null);
    }
    if (u.kind() == UnitKind.VERIFY && u.state() != UnitState.DONE) {
      openVerifies.computeIfPresent(u.jobId(), (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  private static String tableKey(String jobId, String table) {
    return jobId + "\n" + table;
  }
}
