package io.ferry.coordinator.job;

import io.ferry.protocol.plan.TablePlan;
import java.util.List;

/**
 * How long a job's copy should take, before it starts:
 *
 * <pre>
 *   seconds = Σ estimatedBytes / (readBytesPerSecond × parallelUnits)
 *   readBytesPerSecond = median of the tables' measured sample read rates (tables too small to measure left out)
 *   parallelUnits      = min(copy units, live worker slots), at least 1
 * </pre>
 *
 * <p>The median rather than the mean: one table read while the source was busy (or one tiny sample)
 * should not move the estimate much. The read rate is a fair proxy for the whole path because a
 * PostgreSQL COPY passthrough runs at about the source's read speed (see docs/architecture.md); a target
 * that writes slower, rate limits, and prepare/finish time (indexes) are not in it, so it is a lower
 * bound, shown as such.
 *
 * @param seconds            the estimate, or null when no table could be measured
 * @param readBytesPerSecond the median measured rate (0: none measured)
 * @param parallelUnits      copy units expected to run at once
 * @param workerSlots        units the live workers can run at once (the sum of their {@code maxUnits})
 */
public record DurationEstimate(Long seconds, double readBytesPerSecond, long parallelUnits, long workerSlots) {

  public static DurationEstimate of(List<TablePlan> plans, long copyUnits, long workerSlots) {
    double[] rates = plans.stream().mapToDouble(TablePlan::readBytesPerSecond).filter(r -> r > 0).sorted().toArray();
    long parallel = Math.max(1, Math.min(copyUnits, workerSlots));
    if (rates.length == 0) {
      return new DurationEstimate(null, 0, parallel, workerSlots);
    }
    int mid = rates.length / 2;
    double median = rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
    long bytes = plans.stream().mapToLong(TablePlan::estimatedBytes).sum();
    long seconds = (long) Math.ceil(bytes / (median * parallel));
    return new DurationEstimate(seconds, median, parallel, workerSlots);
  }
}
