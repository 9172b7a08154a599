package io.ferry.coordinator.schedule;

import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The units {@link Unblocker} found ready, made pending {@value #UNITS_PER_TURN} per turn of the event loop.
 * A table's prepare unblocks all its copies, and the prepares of a large job end together: unblocked in the
 * results' own turns, 100,000 copies held the loop for a third of a second, and every status request and
 * claim waited behind them. Spread over turns, a status request waits for one turn at most.
 *
 * <p>A unit waiting here stays blocked, so it is not claimed before it is made pending, and it is made
 * pending only if it is still the same blocked unit that was found ready. Readiness only goes back when a
 * unit of the job goes back from done (a rollback) or units are added to it (repairs): the board counts those
 * changes per job ({@link JobBoard#regressions}), and a job whose count moved since its units were found
 * ready is settled again instead.
 */
final class Unblocking {

  static final int UNITS_PER_TURN = 500;

  /** Units of one job found ready, and how far they were made pending. */
  private static final class Found {
    final String jobId;
    final List<WorkUnit> units;
    final long regressions;
    final long now;
    int next;

    Found(String jobId, List<WorkUnit> units, long regressions, long now) {
      this.jobId = jobId;
      this.units = units;
      this.regressions = regressions;
      this.now = now;
    }
  }

  private final JobBoard board;
  private final NextTurn nextTurn;
  private final Deque<Found> queue = new ArrayDeque<>();
  private boolean scheduled;
  private boolean draining;
  /** Settles a job again, with the {@code now} of when its units were found ready. */
  private final SettleAgain resettle;

  /** @param resettle the {@link Unblocker}'s settling of a whole job, for a job whose units' readiness went back */
  Unblocking(JobBoard board, NextTurn nextTurn, SettleAgain resettle) {
    this.board = board;
    this.nextTurn = nextTurn;
    this.resettle = resettle;
  }

  @FunctionalInterface
  interface SettleAgain {
    void settle(String jobId, long now);
  }

  /** Makes {@code ready} pending: at once while no earlier units wait, up to a turn's worth; the rest in later turns. */
  void unblock(String jobId, List<WorkUnit> ready, long now) {
    if (ready.isEmpty()) {
      return;
    }
    queue.add(new Found(jobId, ready, board.regressions(jobId), now));
    if (!scheduled && !draining) {
      drain();
    }
  }

  /** Whether units of the job wait here to be made pending: they are blocked, but not waiting for other units. */
  boolean waiting(String jobId) {
    for (Found f : queue) {
      if (f.jobId.equals(jobId)) {
        return true;
      }
    }
    return false;
  }

  private void drain() {
    draining = true;
    try {
      int budget = UNITS_PER_TURN;
      while (budget > 0 && !queue.isEmpty()) {
        Found found = queue.peek();
        if (board.regressions(found.jobId) != found.regressions) {
          queue.removeIf(f -> f.jobId.equals(found.jobId));
          resettle.settle(found.jobId, found.now);
          budget -= Math.min(budget, found.units.size());
          continue;
        }
        int end = Math.min(found.units.size(), found.next + budget);
        for (int i = found.next; i < end; i++) {
          WorkUnit u = found.units.get(i);
          if (board.unit(u.jobId(), u.id()) == u) {
            board.unblocked(u.withState(UnitState.PENDING));
          }
        }
        budget -= end - found.next;
        found.next = end;
        if (end == found.units.size()) {
          queue.poll();
        }
      }
    } finally {
      draining = false;
    }
    if (!queue.isEmpty()) {
      scheduled = true;
      nextTurn.later(() -> {
        scheduled = false;
        drain();
      });
    }
  }
}
