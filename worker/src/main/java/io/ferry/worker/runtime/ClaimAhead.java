package io.ferry.worker.runtime;

import io.ferry.worker.unit.EndEstimate;
import io.ferry.worker.unit.UnitControl;
import java.util.Arrays;

/**
 * How many claimed successors a worker may hold unstarted: no more than its slots can start within
 * {@link EndEstimate#HORIZON_NANOS}, judged by the median time of its last copy units. Units of a few
 * milliseconds keep their eight successors per slot; units a rate limit stretches to seconds get about one
 * in all, so they neither sit leased here while another worker idles nor hide from the pending count the
 * autoscaler reads. Before any unit has ended, one successor per slot.
 */
final class ClaimAhead {

  /** Copy units whose times the median is taken over. */
  private static final int RECENT = 8;

  private final int slots;
  private final long[] recent = new long[RECENT];
  private int count;

  ClaimAhead(int slots) {
    this.slots = slots;
  }

  /** A copy unit ran {@code nanos} from its start to its end. */
  void ended(long nanos) {
    recent[count % RECENT] = Math.max(1, nanos);
    count++;
  }

  /** The most successors to hold unstarted at once. */
  int cap() {
    long most = (long) slots * UnitControl.SMALL_UNIT_SUCCESSORS;
    if (count == 0) {
      return slots;
    }
    long[] times = Arrays.copyOf(recent, Math.min(count, RECENT));
    Arrays.sort(times);
    long median = times[times.length / 2];
    return (int) Math.min(most, slots * EndEstimate.HORIZON_NANOS / median);
  }
}
