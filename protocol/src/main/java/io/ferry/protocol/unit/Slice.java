package io.ferry.protocol.unit;

/**
 * What a unit works on: a tenant's table and a key range of it, with the size the plan estimated. Each
 * part is null where the unit's kind has none: a table's prepare names no tenant, a job-level unit no table.
 *
 * @param table       the target table, {@code schema.table}
 * @param sourceTable the tenant's source table, {@code schema.table}
 */
public record Slice(String tenantId, String table, String sourceTable, KeyRange range, long estimatedRows,
                    long estimatedBytes) {

  /** The slice of a job-level unit: no tenant, no table. */
  public static final Slice JOB = new Slice(null, null, null, null, 0, 0);

  /** The slice of a step on a whole target table, for no tenant in particular (its prepare, its finish). */
  public static Slice table(String table) {
    return new Slice(null, table, null, null, 0, 0);
  }
}
