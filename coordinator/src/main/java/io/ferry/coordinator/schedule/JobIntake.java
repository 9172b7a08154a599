package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Puts a job that was just recorded in its target on the board, {@value #UNITS_PER_TURN} units per turn of
 * the event loop: indexing 100,000 units in one turn held the loop for a third of a second, and every status
 * request, claim and result waited behind it. The units go first, the job last: claims, results, status and
 * settling all find a job's units through the job, so none of them sees a job whose units are half there,
 * and the job is accepted (and shown) once it is whole.
 */
public final class JobIntake {

  static final int UNITS_PER_TURN = 2_000;

  private final JobBoard board;
  private final NextTurn nextTurn;

  public JobIntake(JobBoard board, NextTurn nextTurn) {
    this.board = board;
    this.nextTurn = nextTurn;
  }

  /** Completes once the job and all its units are on the board. */
  public CompletionStage<Void> add(JobRecord job, List<WorkUnit> units) {
    CompletableFuture<Void> added = new CompletableFuture<>();
    addFrom(job, units, 0, added);
    return added;
  }

  private void addFrom(JobRecord job, List<WorkUnit> units, int from, CompletableFuture<Void> added) {
    try {
      int to = Math.min(units.size(), from + UNITS_PER_TURN);
      if (to == units.size()) {
        board.add(job, units.subList(from, to));
        added.complete(null);
        return;
      }
      board.addUnits(units.subList(from, to));
      nextTurn.later(() -> addFrom(job, units, to, added));
    } catch (RuntimeException e) {
      added.completeExceptionally(e);
    }
  }
}
