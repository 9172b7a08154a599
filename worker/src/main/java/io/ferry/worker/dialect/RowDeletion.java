package io.ferry.worker.dialect;

import io.ferry.protocol.unit.KeyRange;

/**
 * The target rows one rollback deletes from one table.
 *
 * @param tenantColumn the target's tenant column; null when the job has none (its table holds one tenant)
 * @param tenantId     the tenant whose rows go (ignored without a tenant column)
 * @param key          the key {@code range} is over; null with no range
 * @param range        one copy unit's range; null for every row of the tenant
 */
public record RowDeletion(TableName table, String tenantColumn, String tenantId, SplitKey key, KeyRange range) {

  public RowDeletion {
    if (range != null && !range.isAll() && key == null) {
      throw new IllegalArgumentException("a range over no key: " + range);
    }
  }

  @Override
  public String toString() {
    return table + (tenantColumn == null ? "" : " tenant " + tenantId) + (range == null || range.isAll() ? "" : " range " + range);
  }
}
