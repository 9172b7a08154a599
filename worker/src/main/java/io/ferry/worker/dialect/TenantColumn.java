package io.ferry.worker.dialect;

import java.util.ArrayList;
import java.util.List;

/**
 * What the job's tenant column ({@code target.tenantColumn}) means for the rows a worker writes: when the
 * target has one, it stands in front of every target table's columns and of its key, and each row holds
 * its tenant's id in it; when it has none (a blank name), the target table holds one tenant and rows
 * carry nothing extra.
 *
 * @param name the column, or null when the target has none
 */
public record TenantColumn(String name) {

  public static final TenantColumn NONE = new TenantColumn(null);

  public TenantColumn {
    name = name == null || name.isBlank() ? null : name;
  }

  public static TenantColumn of(String name) {
    return new TenantColumn(name);
  }

  public boolean present() {
    return name != null;
  }

  /** {@code columns} with the tenant column in front, when there is one. */
  public List<String> before(List<String> columns) {
    List<String> out = new ArrayList<>(columns.size() + 1);
    if (present()) {
      out.add(name);
    }
    out.addAll(columns);
    return out;
  }

  /** How many fields a row carries in front of its source columns: 1 with a tenant column, else 0. */
  public int width() {
    return present() ? 1 : 0;
  }

  /** The value a row of {@code tenantId} holds in the tenant column; null when there is none. */
  public String valueFor(String tenantId) {
    return present() ? tenantId : null;
  }
}
