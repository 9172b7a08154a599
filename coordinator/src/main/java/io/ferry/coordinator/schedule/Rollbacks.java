package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolling back copy units: their target rows are deleted and their checkpoints reset, so they can be
 * copied again.
 *
 * <p>The coordinator runs no SQL against data tables, so a rollback is a work unit ({@code rollback:<n>})
 * that a worker executes in <em>one</em> target transaction: it resets the selected copy units'
 * checkpoints, deletes their rows and marks itself done, or does none of it. The rollback unit records
 * its selection in its own fields, so it can be recomputed after a restart ({@link #copies}): the
 * tenant and/or table it names, and for a single copy unit out of several of its tenant's table, that
 * unit's range. A whole tenant's table is deleted by its tenant alone, which is exact for every key shape
 * (ctid blocks, NULL keys, collations); a single unit's range only where the target orders its key as
 * the source did.
 *
 * <p>While a rollback is in progress no worker may write the selected ranges: it is accepted only for a
 * job that is paused, failed, cancelled or succeeded and whose selected units are not leased, and the
 * job cannot be resumed or retried until it ends. Rollback units are handed out whatever the job's state.
 * When one is done, its copy units go back to the queue with nothing copied (blocked until their table
 * is prepared, as at the start), their epoch raised past the one the worker fenced their checkpoints
 * with, and the job waits {@code paused} (a cancelled job stays cancelled). The rollback unit is recorded
 * done only after those resets are recorded: a coordinator restarted in between finds it not done,
 * reads its done checkpoint and completes it again (resetting units already reset changes nothing).
 */
public final class Rollbacks {

  /** What a request selects; null fields select everything. */
  public record Selection(String tenant, String table, String unit) {
  }

  /** What became of a request. */
  public enum Verdict {
    /** The rollback unit is queued (once {@link Outcome#recorded()} completes). */
    STARTED,
    /** The selection is wrong: names nothing, or what it names cannot be rolled back. */
    INVALID,
    /** The job is in no state to roll back now (running, another rollback under way). */
    WRONG_STATE
  }

  /**
   * The answer to a request: {@link Verdict#STARTED} with the new rollback unit and the copy units it
   * rolls back, or a refusal with every problem.
   */
  public record Outcome(Verdict verdict, List<String> problems, WorkUnit rollback, List<WorkUnit> copyUnits,
                        CompletionStage<Void> recorded) {

    static Outcome refused(Verdict verdict, List<String> problems) {
      return new Outcome(verdict, problems, null, List.of(), CompletableFuture.completedFuture(null));
    }
  }

  public static final String ID_PREFIX = "rollback:";

  private static final Logger LOG = LoggerFactory.getLogger(Rollbacks.class);
  /** Modes that keep rows a target table held before the job: a rollback could not tell them apart. */
  private static final Set<Mode> KEEP_EXISTING_ROWS = Set.of(Mode.APPEND, Mode.UPSERT, Mode.PRESERVE_SCHEMA);

  private final JobBoard board;
  private final Unblocker unblocker;
  private final Executor boardThread;

  /** @param boardThread runs a task on the thread that owns the board (the coordinator's event loop) */
  public Rollbacks(JobBoard board, Unblocker unblocker, Executor boardThread) {
    this.board = board;
    this.unblocker = unblocker;
    this.boardThread = boardThread;
  }

  /** True while one of the job's rollback units is not finished (done or failed). */
  public static boolean inProgress(JobBoard board, String jobId) {
    return current(board, jobId) != null;
  }

  private static WorkUnit current(JobBoard board, String jobId) {
    for (WorkUnit u : board.units(jobId)) {
      if (u.kind() == UnitKind.ROLLBACK && u.state() != UnitState.DONE && u.state() != UnitState.FAILED) {
        return u;
      }
    }
    return null;
  }

  public Outcome request(JobRecord job, Selection selection, long now) {
    List<String> problems = new ArrayList<>();
    WorkUnit named = checkNames(job, selection, problems);
    if (!problems.isEmpty()) {
      return Outcome.refused(Verdict.INVALID, problems);
    }
    WorkUnit rollback = rollbackUnit(job, selection, named);
    List<WorkUnit> copies = copies(board, job, rollback);
    if (copies.isEmpty()) {
      return Outcome.refused(Verdict.INVALID, List.of(describe(selection) + " of job " + job.id() + " has no copy unit: nothing to roll back"));
    }
    checkExact(job, rollback, problems);
    checkExistingRows(job, copies, problems);
    if (!problems.isEmpty()) {
      return Outcome.refused(Verdict.INVALID, problems);
    }
    checkState(job, copies, problems);
    if (!problems.isEmpty()) {
      return Outcome.refused(Verdict.WRONG_STATE, problems);
    }
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    writes.add(board.save(rollback).toCompletableFuture());
    if (job.state() == JobState.SUCCEEDED || job.state() == JobState.FAILED) {
      // So that nothing resumes before the rollback ends, and a resume afterwards copies the units again.
      writes.add(board.save(job.withState(JobState.PAUSED, null, null)).toCompletableFuture());
    }
    LOG.info("job {}: {} requested ({}): {} copy unit(s) to delete and reset", job.id(), rollback.id(),
        describe(selection), copies.size());
    return new Outcome(Verdict.STARTED, List.of(), rollback, copies, CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
  }

  /**
   * The copy units a rollback unit rolls back: those of its tenant and table (a table also selects its
   * leaf partitions), and with a range, only the one with that range.
   */
  public static List<WorkUnit> copies(JobBoard board, JobRecord job, WorkUnit rollback) {
    Map<String, String> parents = job.plans() == null ? Map.of() : UnitPlanner.partitionParents(job.plans());
    List<WorkUnit> copies = new ArrayList<>();
    for (WorkUnit u : board.units(job.id())) {
      if (u.kind() == UnitKind.COPY
          && (rollback.slice().tenantId() == null || rollback.slice().tenantId().equals(u.slice().tenantId()))
          && (rollback.slice().table() == null || inTable(u.slice().table(), rollback.slice().table(), parents))
          && (rollback.slice().range() == null || rollback.slice().range().equals(u.slice().range()))) {
        copies.add(u);
      }
    }
    return copies;
  }

  /**
   * A rollback unit is done (its worker committed the delete with the checkpoint resets): its copy units
   * go back to the queue with nothing copied, and the rollback unit is recorded done once they are.
   */
  void completed(WorkUnit rollback, long rowsDeleted, long now) {
    JobRecord job = board.job(rollback.jobId());
    WorkUnit done = rollback.withProgress(rowsDeleted, 0).withState(UnitState.DONE).withError(null);
    board.clearRetry(done);
    // Done in memory at once (a second report finds nothing leased); recorded only after the resets below.
    board.keep(done);
    List<CompletableFuture<Void>> resets = new ArrayList<>();
    List<WorkUnit> copies = job == null ? List.of() : copies(board, job, rollback);
    Set<String> verifiesReset = new HashSet<>();
    for (WorkUnit c : copies) {
      // Blocked like a new unit (settle unblocks it when its table exists), its epoch past the rollback's stamp.
      WorkUnit reset = c.rolledBack();
      board.clearRetry(reset);
      resets.add(board.save(reset).toCompletableFuture());
      // What its verify unit found is about rows that are gone: it compares the range again once copied.
      for (WorkUnit verify : board.units(c.jobId())) {
        if (verify.kind() == UnitKind.VERIFY && UnitPlanner.covers(verify, c) && verify.state() != UnitState.LEASED
            && verifiesReset.add(verify.id())) {
          WorkUnit again = verify.afresh();
          board.clearRetry(again);
          resets.add(board.save(again).toCompletableFuture());
        }
      }
    }
    WorkUnit jobChecks = board.unit(rollback.jobId(), UnitPlanner.JOB_VERIFY_ID);
    if (!copies.isEmpty() && jobChecks != null && jobChecks.state() != UnitState.LEASED) {
      // Its rejected rows and orphans are about rows that are gone too.
      WorkUnit again = jobChecks.afresh();
      board.clearRetry(again);
      resets.add(board.save(again).toCompletableFuture());
    }
    WorkUnit foreignKeys = board.unit(rollback.jobId(), UnitPlanner.JOB_FINISH_ID);
    if (foreignKeys != null && foreignKeys.state() == UnitState.DONE) {
      // The worker dropped the foreign keys among the emptied tables; they are added again after the copies.
      resets.add(board.save(foreignKeys.withState(UnitState.BLOCKED)).toCompletableFuture());
    }
    if (job != null) {
      if (job.state() != JobState.CANCELLED && job.state() != JobState.PAUSED) {
        board.save(job.withState(JobState.PAUSED, null, null));
      }
      if (job.state() == JobState.CANCELLED) {
        // No resume will bring the job's last finish: the keys this rollback dropped are restored now (and the
        // rollback recorded done only after its restore unit, so a restarted coordinator asks for it again).
        resets.add(Restores.request(board, job));
      }
      unblocker.settle(job.id(), now);
    }
    LOG.info("{} done: {} row(s) deleted, {} copy unit(s) back to the queue; the job is {}", rollback.describe(), rowsDeleted,
        copies.size(), job == null ? "gone" : board.job(job.id()).state().wireName());
    CompletableFuture.allOf(resets.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> boardThread.execute(() -> {
      if (e != null) {
        LOG.error("{}: resetting its copy units was not recorded ({}); a coordinator restart completes it again",
            rollback.describe(), e.getMessage());
        return;
      }
      WorkUnit current = board.unit(done.jobId(), done.id());
      board.save(current == null ? done : current);
    }));
  }

  private WorkUnit checkNames(JobRecord job, Selection s, List<String> problems) {
    Set<String> tenants = new LinkedHashSet<>();
    Set<String> tables = new LinkedHashSet<>();
    for (TablePlan p : job.plans()) {
      tenants.add(p.tenantId());
      tables.add(p.targetTable());
    }
    if (s.tenant() != null && !tenants.contains(s.tenant())) {
      problems.add("tenant '" + s.tenant() + "' is not a tenant of job " + job.id() + "; its tenants: " + String.join(", ", tenants));
    }
    if (s.table() != null && !tables.contains(s.table())) {
      problems.add("table '" + s.table() + "' is not a target table of job " + job.id() + "; its tables: " + String.join(", ", tables));
    }
    if (s.unit() == null) {
      return null;
    }
    WorkUnit named = board.unit(job.id(), s.unit());
    if (named == null) {
      problems.add("unit '" + s.unit() + "' is not a unit of job " + job.id() + " (the job's unit list names them)");
      return null;
    }
    if (named.kind() != UnitKind.COPY) {
      problems.add("unit " + named.id() + " is a " + named.kind().wireName() + " unit: only copy units write rows that can be rolled back");
      return null;
    }
    if (s.tenant() != null && !s.tenant().equals(named.slice().tenantId())) {
      problems.add("unit " + named.id() + " belongs to tenant " + named.slice().tenantId() + ", not to tenant " + s.tenant());
    }
    Map<String, String> parents = UnitPlanner.partitionParents(job.plans());
    if (s.table() != null && !inTable(named.slice().table(), s.table(), parents)) {
      problems.add("unit " + named.id() + " belongs to table " + named.slice().table() + ", not to table " + s.table());
    }
    return named;
  }

  /**
   * The new rollback unit. A named copy unit that is its tenant table's only one is the same as that
   * tenant's table, and is rolled back as such (by tenant, without a range).
   */
  private WorkUnit rollbackUnit(JobRecord job, Selection s, WorkUnit named) {
    String id = ID_PREFIX + (1 + board.units(job.id()).stream().filter(u -> u.kind() == UnitKind.ROLLBACK).count());
    if (named == null) {
      Slice slice = new Slice(s.tenant(), s.table(), null, null, 0, 0);
      return WorkUnit.create(id, job.id(), UnitKind.ROLLBACK, slice, UnitState.PENDING);
    }
    Slice copied = named.slice();
    long siblings = board.units(job.id()).stream().filter(u -> u.kind() == UnitKind.COPY
        && Objects.equals(u.slice().tenantId(), copied.tenantId()) && Objects.equals(u.slice().table(), copied.table())).count();
    KeyRange range = siblings > 1 ? (copied.range() == null ? KeyRange.ALL : copied.range()) : null;
    Slice slice = new Slice(copied.tenantId(), copied.table(), range == null ? null : copied.sourceTable(), range,
        named.progress().rows(), 0);
    return WorkUnit.create(id, job.id(), UnitKind.ROLLBACK, slice, UnitState.PENDING);
  }

  /** A single range is exact only where the target selects the same rows by it as the source did. */
  private static void checkExact(JobRecord job, WorkUnit rollback, List<String> problems) {
    Slice slice = rollback.slice();
    if (slice.range() == null) {
      return;
    }
    TablePlan plan = plan(job, slice.tenantId(), slice.table());
    String whole = "; roll back tenant " + slice.tenantId() + "'s table " + slice.table() + " as a whole"
        + " ({\"tenant\": \"" + slice.tenantId() + "\", \"table\": \"" + slice.table() + "\"})";
    if (plan.split().method() == SplitMethod.CTID) {
      problems.add("the range of this unit is a range of source row addresses (ctid, table without a key): the target rows"
          + " carry no such address, so they cannot be told apart by range" + whole);
      return;
    }
    SplitPlan split = plan.split();
    if (rollback.slice().range().nullKeys() || split.key() == null) {
      return;
    }
    // A stored plan without key order (written by an older version) is read as "not portable": deleting by a
    // range whose order is unknown could miss rows, while the whole tenant table stays exact for every key.
    List<Boolean> portable = split.orderPortable() == null ? List.of() : split.orderPortable();
    for (int i = 0; i < split.key().size(); i++) {
      if (i >= portable.size() || !portable.get(i)) {
        problems.add("the range of this unit is over key column " + split.key().get(i) + " (" + split.types().get(i)
            + "), whose order is not known to be the same on the target (a collation the target column does not"
            + " carry orders it): the same bounds may select other rows there" + whole);
        return;
      }
    }
  }

  private static void checkExistingRows(JobRecord job, List<WorkUnit> copies, List<String> problems) {
    Mode mode = job.spec().mode();
    if (!KEEP_EXISTING_ROWS.contains(mode)) {
      return;
    }
    Set<String> tables = new LinkedHashSet<>();
    for (WorkUnit c : copies) {
      TablePlan plan = plan(job, c.slice().tenantId(), c.slice().table());
      if (plan.targetHasRows() && tables.add(c.slice().table())) {
        problems.add("target table " + c.slice().table() + " held rows before job " + job.id() + " (mode " + mode.wireName()
            + " kept them): a rollback cannot tell them from the rows this job copied, so it deletes none");
      }
    }
  }

  private void checkState(JobRecord job, List<WorkUnit> copies, List<String> problems) {
    switch (job.state()) {
      case PAUSED, FAILED, CANCELLED, SUCCEEDED -> { }
      default -> {
        problems.add("job " + job.id() + " is " + job.state().wireName() + ": only a paused, failed, cancelled or"
            + " succeeded job can be rolled back (pause it first, so that no worker writes the rows being deleted)");
        return;
      }
    }
    WorkUnit running = current(board, job.id());
    if (running != null) {
      problems.add("job " + job.id() + " is already rolling back (" + running.id() + " is " + running.state().wireName()
          + "): wait until it is done");
    }
    for (WorkUnit c : copies) {
      if (c.state() == UnitState.LEASED) {
        problems.add("unit " + c.id() + " is still leased by worker " + c.lease().workerId() + ": wait until it stops at its chunk"
            + " boundary (the job's leased units)");
      }
    }
  }

  /** The table itself, or a leaf partition below it. */
  private static boolean inTable(String table, String selected, Map<String, String> parents) {
    String current = table;
    for (int depth = 0; current != null && depth <= parents.size(); depth++) {
      if (current.equals(selected)) {
        return true;
      }
      current = parents.get(current);
    }
    return false;
  }

  private static TablePlan plan(JobRecord job, String tenant, String table) {
    for (TablePlan p : job.plans()) {
      if (p.targetTable().equals(table) && Objects.equals(p.tenantId(), tenant)) {
        return p;
      }
    }
    throw new IllegalStateException("job " + job.id() + " has no table plan for tenant " + tenant + ", table " + table);
  }

  private static String describe(Selection s) {
    List<String> parts = new ArrayList<>();
    if (s.tenant() != null) {
      parts.add("tenant " + s.tenant());
    }
    if (s.table() != null) {
      parts.add("table " + s.table());
    }
    if (s.unit() != null) {
      parts.add("unit " + s.unit());
    }
    return String.join(", ", parts);
  }
}
