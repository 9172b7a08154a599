package io.ferry.worker.dialect;

import java.util.List;

/**
 * A foreign key as a target's catalog has it: after the job's last finish, the key the plan recorded (the
 * tenant column leading both sides with {@code keys: composite}, the UUID columns with {@code keys: uuid}),
 * or, in the modes that keep tables, the target's own.
 *
 * @param rowKey the columns that name a row of {@code table}: its primary key, else the key's own columns
 */
public record ForeignKey(String name, TableName table, List<String> columns, TableName referencedTable,
                         List<String> referencedColumns, List<String> rowKey) {

  public ForeignKey {
    columns = List.copyOf(columns);
    referencedColumns = List.copyOf(referencedColumns);
    rowKey = rowKey == null || rowKey.isEmpty() ? columns : List.copyOf(rowKey);
  }
}
