package io.ferry.protocol.plan;

import java.util.List;

/**
 * What a worker learned and decided about one tenant's table. The coordinator turns it into units
 * without ever reading SQL itself: it only carries the statements the worker wrote.
 *
 * @param sourceTable        {@code schema.table} on the tenant's source (unquoted names)
 * @param targetTable        {@code schema.table} on the target (unquoted names)
 * @param columns            copied columns in copy order (generated columns are not copied)
 * @param key                the columns key ranges are over, in key order: the primary key, else a unique
 *                           index, else {@code ["ctid"]} (block ranges); empty when the table is one unit
 * @param keyTypes           the SQL type of each key column (range bounds are cast to it)
 * @param keyNullable        a key column may hold NULL (unique-index keys): those rows get their own range
 * @param keyOrderPortable   per key column: a key range over it selects the same rows on the target as on
 *                           the source (no collation orders it, which the target DDL does not carry over,
 *                           and it is no physical row address); decided by the source dialect. Null in a
 *                           plan surveyed before the field existed: nothing is known portable then
 * @param splitMethod        how the table is cut into units
 * @param keyQuantiles       sorted key tuples (one text value per key column) at roughly equal row-count
 *                           steps through the table; the splitter picks split points among them
 * @param keySampleMethod    where the quantiles came from: {@code histogram}, {@code sample}, {@code exact},
 *                           {@code blocks}
 * @param copyFormat         how rows travel: binary COPY, or text COPY when a column's binary form cannot
 *                           move between databases (see the columns' {@code handling})
 * @param partitionOf        for a leaf partition: the target table of its partitioned parent, whose prepare
 *                           creates this table too; null otherwise
 * @param typeStatements     user-defined types this table needs on the target, in creation order
 *                           (idempotent statements; the job creates each once before any table)
 * @param prepareStatements  target DDL, run by the table's prepare unit
 * @param finishStatements   primary key, indexes, sequence values, ANALYZE: run once all ranges are done
 * @param foreignKeys        foreign keys, run by the job's last finish unit once every table is finished
 * @param targetExists       the target table already exists
 * @param targetHasRows      the existing target table holds rows
 * @param readBytesPerSecond source read throughput measured by a short sample read (0: not measured)
 */
public record TablePlan(
    String tenantId,
    String sourceTable,
    String targetTable,
    List<ColumnPlan> columns,
    List<String> key,
    List<String> keyTypes,
    boolean keyNullable,
    List<Boolean> keyOrderPortable,
    SplitMethod splitMethod,
    long estimatedRows,
    long estimatedBytes,
    List<List<String>> keyQuantiles,
    String keySampleMethod,
    CopyFormat copyFormat,
    String partitionOf,
    List<String> typeStatements,
    List<String> prepareStatements,
    List<String> finishStatements,
    List<String> foreignKeys,
    boolean targetExists,
    boolean targetHasRows,
    double readBytesPerSecond,
    List<String> warnings) {

  public CopyFormat copyFormatOrBinary() {
    return copyFormat == null ? CopyFormat.BINARY : copyFormat;
  }
}
