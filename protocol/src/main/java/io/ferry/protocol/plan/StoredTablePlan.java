package io.ferry.protocol.plan;

import java.util.List;

/**
 * Every property a stored {@link TablePlan} may have: its parts ({@code split}, {@code ddl}), or the flat
 * fields of the plan's older form ({@code key}, {@code keyTypes} … {@code foreignKeys}), which
 * {@code ferry.jobs} records in targets may still hold. A migration on read rather than a second
 * constructor: the plan has one shape, and this class is the only place that knows the other.
 */
record StoredTablePlan(
    String tenantId,
    String sourceTable,
    String targetTable,
    List<ColumnPlan> columns,
    SplitPlan split,
    long estimatedRows,
    long estimatedBytes,
    CopyFormat copyFormat,
    String partitionOf,
    TargetDdl ddl,
    boolean targetExists,
    boolean targetHasRows,
    double readBytesPerSecond,
    List<String> warnings,
    List<String> key,
    List<String> keyTypes,
    boolean keyNullable,
    List<Boolean> keyOrderPortable,
    SplitMethod splitMethod,
    List<List<String>> keyQuantiles,
    String keySampleMethod,
    List<String> typeStatements,
    List<String> prepareStatements,
    List<String> finishStatements,
    List<String> foreignKeys,
    List<UuidColumn> uuids) {

  TablePlan plan() {
    SplitPlan s = split != null ? split
        : new SplitPlan(key, keyTypes, keyNullable, keyOrderPortable, splitMethod, keyQuantiles, keySampleMethod);
    TargetDdl d = ddl != null ? ddl : new TargetDdl(typeStatements, prepareStatements, finishStatements, foreignKeys);
    return new TablePlan(tenantId, sourceTable, targetTable, columns, s, estimatedRows, estimatedBytes, copyFormat,
        partitionOf, d, targetExists, targetHasRows, readBytesPerSecond, warnings, uuids);
  }
}
