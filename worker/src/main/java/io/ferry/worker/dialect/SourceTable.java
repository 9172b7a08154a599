package io.ferry.worker.dialect;

import java.util.List;

/**
 * What a source dialect read from the catalog about one table: enough to plan it and to write its
 * target DDL without another look at the source.
 *
 * @param columns     all columns in column order, generated ones included (they are flagged)
 * @param primaryKey  primary key column names in key order; empty when the table has none
 * @param partitioned the table is a partitioned parent (its partitions are not listed separately)
 */
public record SourceTable(TableName name, boolean partitioned, List<SourceColumn> columns, List<String> primaryKey,
                          List<SourceIndex> indexes, List<SourceForeignKey> foreignKeys,
                          long estimatedRows, long estimatedBytes) {

  /** The columns a copy moves: every column except generated ones, in column order. */
  public List<SourceColumn> copiedColumns() {
    return columns.stream().filter(c -> !c.generated()).toList();
  }

  /** The same table with other column descriptions (e.g. types mapped to the target's). */
  public SourceTable withColumns(List<SourceColumn> newColumns) {
    return new SourceTable(name, partitioned, newColumns, primaryKey, indexes, foreignKeys, estimatedRows, estimatedBytes);
  }

  public SourceColumn column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no column " + columnName + " in " + name));
  }
}
