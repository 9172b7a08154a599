package io.ferry.worker.dialect;

import io.ferry.protocol.plan.UuidColumn;
import java.util.List;

/**
 * The UUID fields a read appends to each row after its copied columns ({@code target.keys: uuid}): one per
 * column, each the {@link FerryUuid} of {@code tenantId}, the column's table and the row's values of its
 * {@code from} columns; NULL when any of those values is NULL (a foreign key that references nothing).
 *
 * @param tenantId the tenant whose rows these are: named in every UUID, also when the target has no tenant
 *                 column (its table then holds one tenant, and the UUIDs are those a consolidation gives)
 */
public record RowUuids(String tenantId, List<UuidColumn> columns) {

  public static final RowUuids NONE = new RowUuids(null, List.of());

  public RowUuids {
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  public static RowUuids of(String tenantId, List<UuidColumn> columns) {
    return columns == null || columns.isEmpty() ? NONE : new RowUuids(tenantId, columns);
  }

  /** How many fields a row carries after its copied columns. */
  public int width() {
    return columns.size();
  }

  public List<String> names() {
    return columns.stream().map(UuidColumn::name).toList();
  }
}
