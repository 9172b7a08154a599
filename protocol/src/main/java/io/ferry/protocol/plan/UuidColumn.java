package io.ferry.protocol.plan;

import java.util.List;

/**
 * A target column that holds a Ferry UUID ({@code target.keys: uuid}): the UUID v5 of the row's tenant,
 * {@code table} and the values of {@code from}, computed by the worker as it copies the row. The first of
 * a plan's UUID columns is the row's own key ({@code table} is the table itself, {@code from} its primary
 * key); the others stand for foreign keys ({@code table} the referenced table, {@code from} the foreign
 * key's columns in the order of the referenced table's primary key).
 *
 * @param name  the target column
 * @param table the source table whose key the UUID stands for, {@code schema.table}
 * @param from  the copied columns whose values feed the UUID, in key order
 */
public record UuidColumn(String name, String table, List<String> from) {

  public UuidColumn {
    from = List.copyOf(from);
  }
}
