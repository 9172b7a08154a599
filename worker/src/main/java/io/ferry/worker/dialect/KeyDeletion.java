package io.ferry.worker.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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

  /** How a dialect binds one value of the statement: the tenant id, or a key value of the target type {@code type}. */
  @FunctionalInterface
  public interface Binding {
    void bind(PreparedStatement ps, int index, String value, String type) throws SQLException;
  }

  /**
   * Runs the dialect's {@code DELETE} (the tenant's term first, then one term per key column) as one batch of one
   * execution per key.
   *
   * @param tenant binds the tenant id (its type is null)
   * @param key    binds each key value
   * @return the rows deleted
   */
  public long execute(Connection target, String sql, Binding tenant, Binding key) throws SQLException {
    if (keys.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      for (List<String> values : keys) {
        int p = 1;
        if (tenantColumn != null) {
          tenant.bind(ps, p++, tenantId, null);
        }
        for (int i = 0; i < values.size(); i++) {
          key.bind(ps, p++, values.get(i), types.get(i));
        }
        ps.addBatch();
      }
      long deleted = 0;
      for (long n : ps.executeLargeBatch()) {
        deleted += Math.max(0, n);
      }
      return deleted;
    }
  }

  @Override
  public String toString() {
    return table + (tenantColumn == null ? "" : " tenant " + tenantId) + ", " + keys.size() + " key(s) over " + columns;
  }
}
