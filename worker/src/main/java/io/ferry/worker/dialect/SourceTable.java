package io.ferry.worker.dialect;

import java.util.List;

/**
 * What a source dialect read from the catalog about one table: enough to plan it and to write its
 * target DDL without another look at the source.
 *
 * @param columns      all columns in column order, generated ones included (they are flagged)
 * @param primaryKey   primary key column names in key order; empty when the table has none
 * @param partitioned  the table is a partitioned parent: its rows live in its leaf partitions
 * @param partitionKey a partitioned parent's partition key as SQL ({@code RANGE (created_at)}); else null
 * @param partitions   a partitioned parent's partitions at every depth, each after its own parent (the
 *                     order they can be created in); empty otherwise
 * @param checks       the table's own CHECK constraints (NOT NULL is a column's {@code nullable})
 */
public record SourceTable(TableName name, boolean partitioned, List<SourceColumn> columns, List<String> primaryKey,
                          List<SourceIndex> indexes, List<SourceForeignKey> foreignKeys,
                          long estimatedRows, long estimatedBytes, String partitionKey,
                          List<SourcePartition> partitions, List<SourceCheck> checks) {

  public SourceTable {
    partitions = partitions == null ? List.of() : List.copyOf(partitions);
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  /** A table without CHECK constraints. */
  public SourceTable(TableName name, boolean partitioned, List<SourceColumn> columns, List<String> primaryKey,
      List<SourceIndex> indexes, List<SourceForeignKey> foreignKeys, long estimatedRows, long estimatedBytes,
      String partitionKey, List<SourcePartition> partitions) {
    this(name, partitioned, columns, primaryKey, indexes, foreignKeys, estimatedRows, estimatedBytes, partitionKey,
        partitions, List.of());
  }

  /** A table that is not partitioned. */
  public SourceTable(TableName name, boolean partitioned, List<SourceColumn> columns, List<String> primaryKey,
      List<SourceIndex> indexes, List<SourceForeignKey> foreignKeys, long estimatedRows, long estimatedBytes) {
    this(name, partitioned, columns, primaryKey, indexes, foreignKeys, estimatedRows, estimatedBytes, null, List.of());
  }

  /** The columns a copy moves: every column except generated ones, in column order. */
  public List<SourceColumn> copiedColumns() {
    return columns.stream().filter(c -> !c.generated()).toList();
  }

  /** The same table with other column descriptions (e.g. types mapped to the target's). */
  public SourceTable withColumns(List<SourceColumn> newColumns) {
    return new SourceTable(name, partitioned, newColumns, primaryKey, indexes, foreignKeys, estimatedRows, estimatedBytes,
        partitionKey, partitions, checks);
  }

  public SourceColumn column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no column " + columnName + " in " + name));
  }

  /** The partitions that hold rows (a partitioned table's rows are all in its leaves). */
  public List<SourcePartition> leafPartitions() {
    return partitions.stream().filter(SourcePartition::leaf).toList();
  }
}
