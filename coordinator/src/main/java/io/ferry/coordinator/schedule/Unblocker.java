package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.ScopeState;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitGraph;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Set;

/**
 * Moves a job forward after units finish: a blocked unit becomes pending once every unit it waits for
 * in the job's {@link UnitGraph} is done (the type prepare before the tables' prepares, a table's prepare
 * — in the modes that keep tables, every table's prepare — before its copies, all of a target table's copies before its finish, every table's finish before the
 * job-level finish, every other step before the verify units); every step but the verify units done →
 * the job is verifying; every unit done → the job succeeded, or failed if its verification found
 * differences.
 *
 * <p>{@link #settle} recomputes this from the units' states (and the plans' partition links) alone, so
 * it is idempotent: it runs at start-up, which repairs a coordinator that died between recording a unit
 * done and unblocking its dependents (that is also why unblocking is not written to the target,
 * {@link JobBoard#unblocked}), and after the operator's actions. After a unit ends, {@link #settleAfter}
 * does the same for what that unit can unblock only: the units of its table's partition tree, through a
 * {@link UnitGraph} of those and the prepares they wait for; the whole job only once its tables' steps
 * are all done (the job-level finish and the verify units wait for every one of them). The job's phase
 * and state come from its {@link JobTally}. So a job's settling costs about its units once, where
 * settling the whole job after each table's step cost tables × units.
 */
public final class Unblocker {

  private final JobBoard board;
  private final Unblocking unblocking;
  /** Per job: its leaf partitions' parents (the plans never change, so this is computed once). */
  private final Map<String, Parents> parents = new HashMap<>();

  /** Makes the units it finds ready pending at once, on the calling thread (tests). */
  public Unblocker(JobBoard board) {
    this(board, NextTurn.NOW);
  }

  /** @param nextTurn where the units found ready beyond a turn's worth are made pending ({@link Unblocking}) */
  public Unblocker(JobBoard board, NextTurn nextTurn) {
    this.board = board;
    // Called back only once a job's units were found ready, long after this constructor returned.
    this.unblocking = new Unblocking(board, nextTurn, this::settle);
  }

  /**
   * Moves the job on after {@code done} finished. A copy unit whose table still has copies to do, a verify
   * or repair unit while others of its kind are open, unblock nothing and leave the job's phase as it is,
   * so they cost nothing here.
   */
  public void settleAfter(WorkUnit done, long now) {
    String table = done.slice().table();
    JobRecord held = board.job(done.jobId());
    if (held != null && cancelsScope(held) && Restores.nothingRuns(board, held.id())) {
      // The last unit outside its cancelled tenants or tables may be this one, whatever its kind.
      updateJob(held, now);
      if (board.job(held.id()).state().isFinal()) {
        return;
      }
    }
    if (done.kind() == UnitKind.COPY && table != null && board.openCopies(done.jobId(), table) > 0) {
      return;
    }
    // Likewise a verify unit unblocks nothing: only the last one moves the job on.
    if (done.kind() == UnitKind.VERIFY && board.openVerifies(done.jobId()) > 0) {
      return;
    }
    // Only the verify units wait for repairs: the last repair moves the job on.
    if (done.kind() == UnitKind.REPAIR && board.tally(done.jobId()).open(UnitKind.REPAIR) > 0) {
      return;
    }
    JobRecord job = board.job(done.jobId());
    boolean tableStep = table != null
        && (done.kind() == UnitKind.PREPARE || done.kind() == UnitKind.COPY || done.kind() == UnitKind.FINISH);
    if (job == null || !tableStep || board.tally(job.id()).openTableSteps() == 0
        || done.kind() == UnitKind.PREPARE && UnitGraph.keepsTables(mode(job)) && board.tally(job.id()).open(UnitKind.PREPARE) == 0) {
      // The job-level units and the verify units wait for every table's steps, and in the modes that keep
      // tables every copy waits for every prepare: those wait for the whole job.
      settle(done.jobId(), now);
      return;
    }
    settleTree(job, table, now);
    updateJob(job, now);
  }

  public void settle(String jobId, long now) {
    JobRecord job = board.job(jobId);
    if (job == null) {
      return;
    }
    UnitGraph graph = new UnitGraph(board.units(jobId), parents(job).links(), mode(job));
    List<WorkUnit> ready = new ArrayList<>();
    for (WorkUnit u : graph.steps()) {
      if (u.state() == UnitState.BLOCKED && graph.ready(u)) {
        ready.add(u);
      }
    }
    unblocking.unblock(jobId, ready, now);
    updateJob(job, now);
  }

  /**
   * Unblocks what became ready among the prepare, copy and finish units of the partition tree of
   * {@code table} (the table alone when it is not partitioned): a prepare unblocks its tree's copies, the
   * last copy of a leaf its parent's finish. The graph holds the tree's units, the job-level ones, and in
   * the modes that keep tables every table's prepare: all that their readiness depends on.
   */
  private void settleTree(JobRecord job, String table, long now) {
    Parents links = parents(job);
    Set<String> tree = links.tree(table);
    boolean everyPrepare = UnitGraph.keepsTables(mode(job));
    List<WorkUnit> units = new ArrayList<>(board.units(job.id(), null));
    for (String t : tree) {
      units.addAll(board.units(job.id(), t));
    }
    if (everyPrepare) {
      for (JobTally.Table t : board.tally(job.id()).tables()) {
        if (!tree.contains(t.name())) {
          board.units(job.id(), t.name()).stream().filter(u -> u.kind() == UnitKind.PREPARE).forEach(units::add);
        }
      }
    }
    UnitGraph graph = new UnitGraph(units, links.links(), mode(job));
    List<WorkUnit> ready = new ArrayList<>();
    for (WorkUnit u : graph.steps()) {
      boolean step = u.kind() == UnitKind.PREPARE || u.kind() == UnitKind.COPY || u.kind() == UnitKind.FINISH;
      if (step && u.state() == UnitState.BLOCKED && u.slice().table() != null && tree.contains(u.slice().table())
          && graph.ready(u)) {
        ready.add(u);
      }
    }
    unblocking.unblock(job.id(), ready, now);
  }

  private Parents parents(JobRecord job) {
    Parents known = parents.get(job.id());
    if (known == null || known.plans() != job.plans()) {
      known = Parents.of(job.plans());
      parents.put(job.id(), known);
    }
    return known;
  }

  private static Mode mode(JobRecord job) {
    return job.spec() == null ? null : job.spec().mode();
  }

  /** A job's partition links: leaf target table → its parent's ({@link UnitPlanner#partitionParents}). */
  private record Parents(List<TablePlan> plans, Map<String, String> links) {

    static Parents of(List<TablePlan> plans) {
      return new Parents(plans, plans == null ? Map.of() : UnitPlanner.partitionParents(plans));
    }

    /** Every table of {@code table}'s partition tree: its root and all the root's descendants. */
    Set<String> tree(String table) {
      String root = table;
      for (int depth = 0; depth <= links.size() && links.containsKey(root); depth++) {
        root = links.get(root);
      }
      Set<String> tree = new LinkedHashSet<>();
      tree.add(root);
      tree.add(table);
      boolean grew = !links.isEmpty();
      while (grew) {
        grew = false;
        for (Map.Entry<String, String> link : links.entrySet()) {
          if (tree.contains(link.getValue()) && tree.add(link.getKey())) {
            grew = true;
          }
        }
      }
      return tree;
    }
  }

  /**
   * Sets the phase from the earliest kind of unit not yet done; a running job whose copy is done and
   * whose verify units are not is verifying; a fully done job succeeded when its verification is clean
   * (or it has none), else failed, saying what differs.
   */
  private void updateJob(JobRecord job, long now) {
    JobTally tally = board.tally(job.id());
    JobPhase phase = JobPhase.DONE;
    boolean copying = false;
    for (UnitKind kind : UnitKind.values()) {
      if (kind == UnitKind.ROLLBACK || kind == UnitKind.RESTORE || tally.open(kind) == 0) {
        continue;
      }
      JobPhase unitPhase = switch (kind) {
        case PREPARE, SURVEY -> JobPhase.PREPARE;
        case COPY, ROLLBACK, REPAIR -> JobPhase.COPY;
        case FINISH, RESTORE -> JobPhase.FINISH;
        case VERIFY -> JobPhase.VERIFY;
      };
      copying |= kind != UnitKind.VERIFY;
      if (unitPhase.ordinal() < phase.ordinal()) {
        phase = unitPhase;
      }
    }
    boolean verifying = tally.open(UnitKind.VERIFY) > 0;
    JobRecord updated = job.phase() == phase ? job : job.withPhase(phase);
    if (verifying && !copying && job.state() == JobState.RUNNING) {
      updated = updated.withState(JobState.VERIFYING, null, null);
    }
    if (phase == JobPhase.DONE && (job.state() == JobState.RUNNING || job.state() == JobState.VERIFYING)) {
      String failure = tally.verification().failure();
      updated = failure == null ? updated.withState(JobState.SUCCEEDED, now, null)
          : updated.withState(JobState.FAILED, now, failure);
    }
    if (phase != JobPhase.DONE && (job.state() == JobState.RUNNING || job.state() == JobState.VERIFYING)
        && cancelsScope(job) && onlyCancelledLeft(job)) {
      String cancelled = job.scopesOrNone().stream().filter(h -> h.state() == JobState.CANCELLED).map(ScopeState::describe)
          .collect(Collectors.joining("; "));
      updated = updated.withState(JobState.CANCELLED, now, "cancelled: " + cancelled + "; the rest of the job finished");
      board.save(updated);
      Restores.request(board, updated);
      return;
    }
    if (updated != job) {
      board.save(updated);
    }
  }

  private static boolean cancelsScope(JobRecord job) {
    return job.scopesOrNone().stream().anyMatch(h -> h.state() == JobState.CANCELLED);
  }

  /**
   * True when nothing of the job can move any more but its cancelled tenants and tables: every other unit
   * not done is blocked (waiting on them). Scans the units, so only asked once none of the job's units runs.
   */
  private boolean onlyCancelledLeft(JobRecord job) {
    // Units found ready but not yet made pending are blocked, yet wait for nothing.
    if (!Restores.nothingRuns(board, job.id()) || unblocking.waiting(job.id())) {
      return false;
    }
    for (WorkUnit u : board.units(job.id())) {
      boolean open = u.state() == UnitState.PENDING || u.state() == UnitState.LEASED || u.state() == UnitState.FAILED;
      if (open && u.kind() != UnitKind.ROLLBACK && u.kind() != UnitKind.RESTORE && job.scopeState(u) != JobState.CANCELLED) {
        return false;
      }
    }
    return true;
  }
}
