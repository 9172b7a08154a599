package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.job.Verification;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairing what a job's verification found: each verify unit whose range differs gets a repair unit
 * ({@code repair:<round>:<tenant>:<table>:<n>}, the same tenant, table and range) carrying its findings, and is
 * itself reset to compare its range again once every repair is done ({@link io.ferry.coordinator.job.UnitGraph}).
 * The job runs again (its phase {@code copy} while repairs run, then {@code verifying}), and its verdict comes
 * from the verify units, as after a copy.
 *
 * <p>A worker executes a repair unit in one target transaction fenced by its lease epoch: where the findings list
 * every differing key it re-copies exactly those keys, else the unit's whole range. Accepted only for a finished
 * job (failed by its verification, or succeeded) whose copy is done and whose verification found a difference.
 */
public final class Repairs {

  /** The answer to a request: the repair units made, or every reason none could be. */
  public record Outcome(List<String> problems, List<WorkUnit> repairs, CompletionStage<Void> recorded) {

    static Outcome refused(List<String> problems) {
      return new Outcome(problems, List.of(), CompletableFuture.completedFuture(null));
    }
  }

  public static final String ID_PREFIX = "repair:";

  private static final Logger LOG = LoggerFactory.getLogger(Repairs.class);

  private final JobBoard board;
  private final Unblocker unblocker;

  public Repairs(JobBoard board, Unblocker unblocker) {
    this.board = board;
    this.unblocker = unblocker;
  }

  public Outcome request(JobRecord job, long now) {
    List<WorkUnit> units = List.copyOf(board.units(job.id()));
    List<String> problems = refusals(job, units);
    List<WorkUnit> mismatched = mismatched(units);
    if (problems.isEmpty() && mismatched.isEmpty()) {
      Verification v = Verification.of(units);
      problems.add(v.ranges() == 0 ? "job " + job.id() + " has no verify units (verify: none): verify it first"
          : v.verified() < v.ranges() ? "job " + job.id() + " has " + (v.ranges() - v.verified()) + " range(s) not compared"
              + " yet and none that differs: verify it first (POST /api/v1/jobs/" + job.id() + "/verify)"
          : "job " + job.id() + "'s verification found no difference: there is nothing to repair");
    }
    if (!problems.isEmpty()) {
      return Outcome.refused(problems);
    }
    int round = nextRound(units);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    List<WorkUnit> repairs = new ArrayList<>();
    for (WorkUnit verify : mismatched) {
      WorkUnit repair = WorkUnit.create(ID_PREFIX + round + ":" + verify.id().substring(verify.id().indexOf(':') + 1),
          job.id(), UnitKind.REPAIR, verify.slice(), UnitState.PENDING).withFindings(verify.progress().findings());
      repairs.add(repair);
      writes.add(board.save(repair).toCompletableFuture());
      // Blocked until every repair is done (the graph's verify units wait for every other step), then compared again.
      WorkUnit again = verify.afresh();
      board.clearRetry(again);
      writes.add(board.save(again).toCompletableFuture());
    }
    WorkUnit jobChecks = board.unit(job.id(), UnitPlanner.JOB_VERIFY_ID);
    if (jobChecks != null && jobChecks.state() != UnitState.LEASED) {
      // Its orphans may be rows the repairs bring back (a deleted parent): it checks again after them.
      WorkUnit again = jobChecks.afresh();
      board.clearRetry(again);
      writes.add(board.save(again).toCompletableFuture());
    }
    writes.add(board.save(job.withState(JobState.RUNNING, null, null)).toCompletableFuture());
    long byKey = repairs.stream().filter(r -> r.progress().findings().listsEveryDifference()).count();
    LOG.info("job {}: repair round {}: {} range(s), {} by their listed keys, {} whole", job.id(), round, repairs.size(), byKey,
        repairs.size() - byKey);
    unblocker.settle(job.id(), now);
    return new Outcome(List.of(), List.copyOf(repairs), CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
  }

  /** Why the job cannot be repaired now, every reason; empty when it can (if something differs). */
  private List<String> refusals(JobRecord job, List<WorkUnit> units) {
    List<String> problems = new ArrayList<>();
    String id = "job " + job.id();
    if (job.state() != JobState.FAILED && job.state() != JobState.SUCCEEDED) {
      problems.add(id + " is " + job.state().wireName() + ": only a finished job whose verification found differences"
          + " (failed) can be repaired");
    }
    if (job.spec() != null && job.spec().mode() == Mode.VERIFY) {
      problems.add(id + " is of mode verify: it compares and never writes the target; submit a job of mode upsert to"
          + " copy the differing rows");
    }
    if (Rollbacks.inProgress(board, job.id())) {
      problems.add(id + " is rolling back: its ranges are copied again, and verified, after the rollback");
    }
    for (WorkUnit u : units) {
      boolean step = u.kind() != UnitKind.VERIFY && u.kind() != UnitKind.ROLLBACK && u.kind() != UnitKind.RESTORE;
      if (step && u.state() != UnitState.DONE) {
        problems.add(id + " has not finished its " + (u.kind() == UnitKind.REPAIR ? "repair" : "copy") + " (unit " + u.id()
            + " is " + u.state().wireName() + "): retry its failed units first");
        break;
      }
    }
    // A failed verify unit is reset by neither the repair nor the verification after it: the job would wait on it.
    units.stream().filter(u -> u.kind() == UnitKind.VERIFY && u.state() == UnitState.FAILED).findFirst()
        .ifPresent(u -> problems.add(id + " has a verify unit that failed (unit " + u.id() + "): retry its failed units first"));
    return problems;
  }

  /** The done verify units of ranges (not the job's own checks) whose findings are not clean. */
  static List<WorkUnit> mismatched(List<WorkUnit> units) {
    Verification.Rejected rejected = Verification.Rejected.of(units);
    List<WorkUnit> out = new ArrayList<>();
    for (WorkUnit u : units) {
      VerifyFindings f = u.progress().findings();
      if (u.kind() == UnitKind.VERIFY && u.slice().table() != null && u.state() == UnitState.DONE && f != null
          && !Verification.clean(f, rejected.in(u))) {
        out.add(u);
      }
    }
    return out;
  }

  /** One more than the highest round of the job's repair units ({@code repair:<round>:…}). */
  private static int nextRound(List<WorkUnit> units) {
    int round = 0;
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.REPAIR && u.id().startsWith(ID_PREFIX)) {
        String rest = u.id().substring(ID_PREFIX.length());
        try {
          round = Math.max(round, Integer.parseInt(rest.substring(0, rest.indexOf(':'))));
        } catch (RuntimeException e) {
          // not an id this class made: it takes no round
        }
      }
    }
    return round + 1;
  }
}
