package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A job's budgets. Rates hold cluster-wide, however many workers run: workers reserve rows and bytes
 * from the coordinator before writing them. Null means unlimited.
 *
 * @param rowsPerSecond      rows written per second, all workers together
 * @param bytesPerSecond     bytes written per second, all workers together
 * @param maxUnits           units of this job running at once
 * @param maxUnitsPerSource  units running at once against one source server (host:port), so one
 *                           tenant's server is never hit by every worker at once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Limits(Long rowsPerSecond, Long bytesPerSecond, Integer maxUnits, Integer maxUnitsPerSource) {

  public static final Limits NONE = new Limits(null, null, null, null);

  public boolean limitsRate() {
    return rowsPerSecond != null || bytesPerSecond != null;
  }

  /** These limits with every non-null field of {@code patch} replacing the current value. */
  public Limits with(Limits patch) {
    return new Limits(
        patch.rowsPerSecond != null ? patch.rowsPerSecond : rowsPerSecond,
        patch.bytesPerSecond != null ? patch.bytesPerSecond : bytesPerSecond,
        patch.maxUnits != null ? patch.maxUnits : maxUnits,
        patch.maxUnitsPerSource != null ? patch.maxUnitsPerSource : maxUnitsPerSource);
  }
}
