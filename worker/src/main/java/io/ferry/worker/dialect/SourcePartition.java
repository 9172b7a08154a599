package io.ferry.worker.dialect;

/**
 * One partition below a partitioned table, at any depth.
 *
 * @param parent       the table it is a partition of (the root, or a sub-partitioned partition)
 * @param bound        its bound as SQL ({@code FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')}, {@code DEFAULT})
 * @param partitionKey for a partition that is itself partitioned, its partition key ({@code HASH (id)}); null
 *                     for a leaf, which holds rows
 */
public record SourcePartition(TableName name, TableName parent, String bound, String partitionKey) {

  public boolean leaf() {
    return partitionKey == null;
  }
}
