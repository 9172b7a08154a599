package io.ferry.protocol.plan;

import java.util.List;

/**
 * What a worker learned and decided about one tenant's table. The coordinator turns it into units
 * without ever reading SQL itself: it only carries the statements the worker wrote.
 *
 * @param sourceTable        {@code schema.table} on the tenant's source (unquoted names)
 * @param targetTable        {@code schema.table} on the target (unquoted names)
 * @param columns            copied columns in copy order (generated columns are not copied)
 * @param key                key column names, in key order (empty: no usable key)
 * @param keyQuantiles       sorted key values at roughly equal row-count steps through the table (as
 *                           text); the splitter picks split points among them
 * @param keySampleMethod    where the quantiles came from: {@code histogram}, {@code sample}, {@code exact}
 * @param prepareStatements  target DDL, run by the table's prepare unit
 * @param finishStatements   primary key, indexes, sequence values, ANALYZE: run once all ranges are done
 * @param foreignKeys        foreign keys, run by the job's last finish unit once every table is finished
 * @param targetExists       the target table already exists
 * @param targetHasRows      the existing target table holds rows
 */
public record TablePlan(
    String tenantId,
    String sourceTable,
    String targetTable,
    List<ColumnPlan> columns,
    List<String> key,
    SplitMethod splitMethod,
    long estimatedRows,
    long estimatedBytes,
    List<String> keyQuantiles,
    String keySampleMethod,
    List<String> prepareStatements,
    List<String> finishStatements,
    List<String> foreignKeys,
    boolean targetExists,
    boolean targetHasRows,
    List<String> warnings) {
}
