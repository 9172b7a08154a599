package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.progress.ThroughputTracker;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A large job is put on the board, and its copies unblocked, a bounded number of units per turn of the
 * event loop; between turns, claims and status requests see a consistent board: no unit of a job before
 * the job is whole, no unit claimed before it is pending, none twice, none lost. The turns are run by hand.
 */
class LargeJobTurnsTest {

  private final Deque<Runnable> turns = new ArrayDeque<>();
  private final SchedulerHarness h = new SchedulerHarness(turns::add);
  private final JobStatusView view = new JobStatusView(h.board, new ThroughputTracker());

  @Test
  void aLargeJobIsPutOnTheBoardInTurnsAndNoneOfItIsClaimedOrShownBeforeItIsWhole() {
    JobRecord other = h.addJob("small", List.of(plan("a", "public.small", 100, 1_000, List.of())), "a");
    JobRecord job = job("large", Mode.CREATE, "public.orders", "public.items");
    List<WorkUnit> units = units(job);
    assertThat(units).hasSizeGreaterThan(2 * JobIntake.UNITS_PER_TURN);

    CompletionStage<Void> added = new JobIntake(h.board, turns::add).add(job, units);

    int turnsTaken = 1;
    Set<String> claimed = new HashSet<>();
    while (!added.toCompletableFuture().isDone()) {
      assertThat(h.board.job(job.id())).as("the job is not shown before it is whole").isNull();
      assertThat(h.board.jobs()).extracting(JobRecord::id).containsExactly(other.id());
      assertThat(view.summary(other, h.now).getJsonObject("units").getLong("total")).isEqualTo(3);
      for (Assignment a : h.claim("w1", 10)) {
        assertThat(a.unit().jobId()).as("nothing of a job being put on the board is claimed").isEqualTo(other.id());
        claimed.add(a.unit().id());
      }
      assertThat(turns).hasSize(1);
      turns.poll().run();
      turnsTaken++;
    }

    assertThat(turnsTaken).isEqualTo((units.size() + JobIntake.UNITS_PER_TURN - 1) / JobIntake.UNITS_PER_TURN);
    assertThat(claimed).as("the small job was served meanwhile").isNotEmpty();
    assertThat(h.board.job(job.id())).isEqualTo(job);
    assertThat(h.board.units(job.id())).hasSameSizeAs(units);
    assertThat(view.summary(job, h.now).getJsonObject("units").getLong("total")).isEqualTo(units.size());
    assertThat(h.claim("w1", 10)).extracting(a -> a.unit().kind()).contains(UnitKind.PREPARE);
  }

  @Test
  void workersAreToldOnceTheJobIsWholeThoughItsPendingUnitsCameInAnEarlierTurn() {
    java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
    JobBoard board = new JobBoard(new io.ferry.coordinator.RecordingSink(), signals::incrementAndGet);
    JobRecord job = job("large", Mode.CREATE, "public.orders", "public.items");
    List<WorkUnit> units = units(job);
    assertThat(units.subList(units.size() - JobIntake.UNITS_PER_TURN, units.size()))
        .noneMatch(u -> u.state() == UnitState.PENDING);

    CompletionStage<Void> added = new JobIntake(board, turns::add).add(job, units);
    while (!turns.isEmpty()) {
      assertThat(signals).hasValue(0);
      turns.poll().run();
    }

    assertThat(added.toCompletableFuture()).isDone();
    assertThat(signals).hasValue(1);
  }

  @Test
  void copiesAPrepareUnblocksBecomePendingATurnAtATimeAndEachIsClaimedOnce() {
    JobRecord job = job("large", Mode.APPEND, "public.orders");
    List<WorkUnit> units = units(job);
    h.board.add(job, units);
    long copies = units.stream().filter(u -> u.kind() == UnitKind.COPY).count();
    assertThat(copies).isGreaterThan(2 * Unblocking.UNITS_PER_TURN);

    Assignment prepare = h.claim("w1", 1).get(0);
    h.ok(prepare.unit(), "w1", 0);

    assertThat(pendingCopies(job)).as("one turn's worth at once").isEqualTo(Unblocking.UNITS_PER_TURN);
    Set<String> claimed = new HashSet<>();
    int turnsTaken = 0;
    while (true) {
      Set<String> pending = new HashSet<>();
      h.board.units(job.id()).stream().filter(u -> u.state() == UnitState.PENDING).forEach(u -> pending.add(u.id()));
      for (Assignment a : h.claim("w1", 300)) {
        assertThat(pending).as("only a pending unit is claimed").contains(a.unit().id());
        assertThat(claimed.add(a.unit().id())).as("claimed once: " + a.unit().id()).isTrue();
        h.ok(a.unit(), "w1", 10);
      }
      Runnable next = turns.poll();
      if (next == null) {
        break;
      }
      next.run();
      turnsTaken++;
    }
    h.runAll("w1");

    assertThat(turnsTaken).isGreaterThanOrEqualTo((int) (copies / Unblocking.UNITS_PER_TURN) - 1);
    assertThat(h.board.units(job.id())).allMatch(u -> u.state() == UnitState.DONE);
    assertThat(h.board.job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void unitsFoundReadyAreNotMadePendingOnceWhatTheyWaitForIsNoLongerDone() {
    JobRecord job = job("large", Mode.CREATE, "public.orders");
    List<WorkUnit> units = units(job);
    h.board.add(job, units);
    Assignment prepare = h.claim("w1", 1).get(0);
    h.ok(prepare.unit(), "w1", 0);
    assertThat(pendingCopies(job)).isEqualTo(Unblocking.UNITS_PER_TURN);

    // A rollback takes the table back (its prepare runs again) while the rest of its copies wait for their turn.
    h.board.save(h.board.unit(job.id(), prepare.unit().id()).withState(UnitState.BLOCKED));
    while (!turns.isEmpty()) {
      turns.poll().run();
    }

    assertThat(pendingCopies(job)).as("the copies left wait for the prepare again").isEqualTo(Unblocking.UNITS_PER_TURN);
    assertThat(h.board.units(job.id())).filteredOn(u -> u.kind() == UnitKind.COPY && u.state() == UnitState.BLOCKED)
        .hasSize((int) (units.stream().filter(u -> u.kind() == UnitKind.COPY).count() - Unblocking.UNITS_PER_TURN));
  }

  private long pendingCopies(JobRecord job) {
    return h.board.units(job.id()).stream().filter(u -> u.kind() == UnitKind.COPY && u.state() == UnitState.PENDING).count();
  }

  /** Three tenants' tables of about 1,000 copies each. */
  private JobRecord job(String id, Mode mode, String... tables) {
    List<TablePlan> plans = new ArrayList<>();
    for (String tenant : List.of("a", "b", "c")) {
      for (String table : tables) {
        plans.add(plan(tenant, table, 10_000_000, 1L << 30, quantiles(1000, 10_000)));
      }
    }
    JobSpec created = Fixtures.spec(id, "jdbc:postgresql://127.0.0.1/target", "pw", "a", "b", "c");
    JobSpec spec = new JobSpec(created.name(), created.source(), created.target(), created.tables(), mode, created.unit(),
        created.limits(), created.onRowError(), Verify.NONE);
    h.secrets.put(id, spec);
    return new JobRecord(id, id, spec.withoutSecrets(), JobState.RUNNING, JobPhase.PREPARE, h.now, h.now, null, plans, null);
  }

  private static List<WorkUnit> units(JobRecord job) {
    return UnitPlanner.units(job.id(), job.plans(), new UnitSize(10_000L, 1L << 40), job.spec().mode(), Verify.NONE);
  }
}
