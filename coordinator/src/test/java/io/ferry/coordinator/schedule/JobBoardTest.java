package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What claims, results, heartbeats and lease checks look through: indexes of the units, kept as units change. */
class JobBoardTest {

  private final JobBoard board = new JobBoard(new RecordingSink());

  @Test
  void aLeasedUnitIsFoundByItsWorkerUntilDoneAndADoneUnitResetIsQueuedAgain() {
    JobRecord job = add("j1");
    int all = board.units(job.id()).size();
    WorkUnit prepare = board.unit(job.id(), "prepare:public.orders");
    board.save(prepare.withState(UnitState.PENDING));
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::id).contains(prepare.id());

    board.save(board.unit(job.id(), prepare.id()).leased("w1", 10_000));
    assertThat(board.leasedBy("w1")).extracting(WorkUnit::id).containsExactly(prepare.id());
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::id).doesNotContain(prepare.id());

    board.save(board.unit(job.id(), prepare.id()).withState(UnitState.DONE));
    assertThat(board.leased()).isEmpty();
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::id).doesNotContain(prepare.id());
    assertThat(board.units(job.id())).as("the unit itself stays on the board").hasSize(all);

    // A rollback resets a done unit: blocked, then queued again, and leased again it is found by its worker.
    board.save(board.unit(job.id(), prepare.id()).withState(UnitState.BLOCKED));
    board.unblocked(board.unit(job.id(), prepare.id()).withState(UnitState.PENDING));
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::id).contains(prepare.id());
    board.save(board.unit(job.id(), prepare.id()).leased("w2", 20_000));
    assertThat(board.leasedBy("w2")).extracting(WorkUnit::id).containsExactly(prepare.id());
  }

  @Test
  void aFinishedJobLeavesNothingToLookThrough() {
    JobRecord done = add("j1");
    for (WorkUnit u : List.copyOf(board.units(done.id()))) {
      board.save(u.withState(UnitState.DONE));
    }
    JobRecord next = add("j2");
    assertThat(board.pendingOthers(done.id())).isEmpty();
    assertThat(board.pendingCopies(done.id())).isEmpty();
    assertThat(board.openCopies(done.id(), "public.orders")).isZero();
    assertThat(board.openCopies(next.id(), "public.orders"))
        .isEqualTo((int) board.units(next.id()).stream().filter(u -> u.kind() == UnitKind.COPY).count());
  }

  @Test
  void pendingCopiesAreQueuedPerTenantLargestFirstAndLeaveTheQueueWhenLeased() {
    JobRecord job = add("j1");
    List<WorkUnit> copies = board.units(job.id()).stream().filter(u -> u.kind() == UnitKind.COPY).toList();
    assertThat(copies).hasSizeGreaterThan(2);
    assertThat(board.pendingCopies(job.id())).as("blocked until the table is prepared").isEmpty();
    assertThat(board.openCopies(job.id(), "public.orders")).isEqualTo(copies.size());
    for (WorkUnit u : copies) {
      board.save(u.withState(UnitState.PENDING));
    }
    assertThat(board.pendingCopies(job.id())).containsOnlyKeys("a");
    assertThat(board.pendingCopies(job.id()).get("a")).extracting(WorkUnit::id)
        .containsExactlyElementsOf(copies.stream().sorted(UnitIndex.LARGEST_FIRST).map(WorkUnit::id).toList());

    WorkUnit first = board.pendingCopies(job.id()).get("a").first();
    board.save(first.leased("w1", 10_000));
    assertThat(board.pendingCopies(job.id()).get("a")).hasSize(copies.size() - 1).extracting(WorkUnit::id)
        .doesNotContain(first.id());
    assertThat(board.leased()).extracting(WorkUnit::id).containsExactly(first.id());

    board.save(board.unit(job.id(), first.id()).withState(UnitState.DONE));
    assertThat(board.leased()).isEmpty();
    assertThat(board.openCopies(job.id(), "public.orders")).isEqualTo(copies.size() - 1);
    for (WorkUnit u : List.copyOf(board.pendingCopies(job.id()).get("a"))) {
      board.save(u.withState(UnitState.DONE));
    }
    assertThat(board.openCopies(job.id(), "public.orders")).isZero();
    assertThat(board.pendingCopies(job.id())).isEmpty();
    // A rollback sends a done copy back to the queue (blocked until its table exists): it counts as open again.
    board.save(board.unit(job.id(), first.id()).withState(UnitState.BLOCKED));
    board.unblocked(board.unit(job.id(), first.id()).withState(UnitState.PENDING));
    assertThat(board.openCopies(job.id(), "public.orders")).isEqualTo(1);
    assertThat(board.pendingCopies(job.id()).get("a")).extracting(WorkUnit::id).containsExactly(first.id());
  }

  @Test
  void otherPendingUnitsAreListedApartFromCopies() {
    JobRecord job = add("j1");
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::kind).doesNotContain(UnitKind.COPY)
        .containsExactlyElementsOf(board.units(job.id()).stream()
            .filter(u -> u.state() == UnitState.PENDING && u.kind() != UnitKind.COPY).map(WorkUnit::kind).toList());
    WorkUnit prepare = board.unit(job.id(), "prepare:public.orders");
    board.save(prepare.withState(UnitState.PENDING));
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::id).contains(prepare.id());
    board.save(board.unit(job.id(), prepare.id()).leased("w1", 10_000));
    assertThat(board.pendingOthers(job.id())).extracting(WorkUnit::id).doesNotContain(prepare.id());
  }

  @Test
  void aTransitionTheTablesDoNotAllowIsRefusedAndChangesNothing() {
    RecordingSink sink = new RecordingSink();
    JobBoard board = new JobBoard(sink);
    List<TablePlan> plans = List.of(plan("a", "public.orders", 100, 1, List.of()));
    JobRecord job = new JobRecord("j1", "j1", Fixtures.spec("j1", "jdbc:postgresql://127.0.0.1/target", "pw", "a").withoutSecrets(),
        JobState.CANCELLED, JobPhase.PREPARE, 1, 1L, null, plans, null);
    board.add(job, UnitPlanner.units(job.id(), plans, new UnitSize(10_000L, 1L << 40)));
    WorkUnit blocked = board.unit(job.id(), "finish:public.orders");

    assertThatThrownBy(() -> board.save(blocked.leased("w1", 10_000)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("finish:public.orders")
        .hasMessageContaining("cannot go from blocked to leased");
    assertThatThrownBy(() -> board.save(job.withState(JobState.RUNNING, null, null)))
        .isInstanceOf(IllegalStateException.class).hasMessage("job j1 cannot go from cancelled to running"
            + " (from cancelled it may become only nothing else: it is final)");

    assertThat(board.unit(job.id(), blocked.id())).isSameAs(blocked);
    assertThat(board.leased()).isEmpty();
    assertThat(board.job(job.id())).isSameAs(job);
    assertThat(sink.jobs).isEmpty();
    assertThat(sink.units).isEmpty();
  }

  private JobRecord add(String id) {
    List<TablePlan> plans = List.of(plan("a", "public.orders", 50_000, 1_000, quantiles(100, 100)));
    JobRecord job = new JobRecord(id, id, Fixtures.spec(id, "jdbc:postgresql://127.0.0.1/target", "pw", "a").withoutSecrets(),
        JobState.RUNNING, JobPhase.PREPARE, 1, 1L, null, plans, null);
    board.add(job, UnitPlanner.units(job.id(), plans, new UnitSize(10_000L, 1L << 40)));
    return job;
  }
}
