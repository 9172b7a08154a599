package io.ferry.worker.dialect;

import java.util.List;

/**
 * The target rows a repair deletes by key: the tenant's rows whose key is one of {@code keys}.
 *
 * @param tenantColumn the target's tenant column; null when the job has none (its table holds one tenant)
 * @param tenantId     the tenant whose rows go (ignored without a tenant column)
 * @param columns      the key columns as the target names them
 * @param types        their target types
 * @param keys         each key's values as the target's own text of them ({@code Canonical#TEXT} as the
 *                     target's verify side reads it), so that the engine reads each back as the same value
 */
public record KeyDeletion(TableName table, String tenantColumn, String tenantId, List<String> columns, List<String> types,
                          List<List<String>> keys) {

  public KeyDeletion {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    keys = List.copyOf(keys);
    if (columns.isEmpty() || columns.size() != types.size()) {
      throw new IllegalArgumentException("a key deletion needs its key columns and their types: " + columns + " " + types);
    }
  }

  @Override
  public String toString() {
    return table + (tenantColumn == null ? "" : " tenant " + tenantId) + ", " + keys.size() + " key(s) over " + columns;
  }
}
