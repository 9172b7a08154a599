package io.ferry.coordinator.job;

/**
 * Which key ranges {@code verify: sample} compares: about one in {@link #EVERY} of each tenant's table, and
 * at least one of each. The choice depends only on the tenant, the table and the range's number, so a
 * restarted coordinator, and a second look at the same job, pick the same ranges.
 */
public final class VerifySample {

  public static final int EVERY = 10;

  private VerifySample() {
  }

  /** Whether range {@code index} of {@code count} of the tenant's table is in the sample. */
  public static boolean chosen(String tenantId, String table, int index, int count) {
    // An offset per table spreads the sample over the key space instead of always taking each table's first range.
    int offset = Math.floorMod((tenantId + "\n" + table).hashCode(), EVERY);
    return index % EVERY == offset % Math.min(count, EVERY);
  }
}
