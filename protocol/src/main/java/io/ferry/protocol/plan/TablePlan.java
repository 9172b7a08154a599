package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * What a worker learned and decided about one tenant's table. The coordinator turns it into units
 * without ever reading SQL itself: it only carries the statements the worker wrote.
 *
 * @param sourceTable        {@code schema.table} on the tenant's source (unquoted names)
 * @param targetTable        {@code schema.table} on the target (unquoted names)
 * @param columns            copied columns in copy order (generated columns are not copied)
 * @param split              the key and how the table is cut into units
 * @param copyFormat         how rows travel: binary COPY, or text COPY when a column's binary form cannot
 *                           move between databases (see the columns' {@code handling})
 * @param partitionOf        for a leaf partition: the target table of its partitioned parent, whose prepare
 *                           creates this table too; null otherwise
 * @param ddl                the target's statements for this table
 * @param targetExists       the target table already exists
 * @param targetHasRows      the existing target table holds rows
 * @param readBytesPerSecond source read throughput measured by a short sample read (0: not measured)
 * @param uuids              with {@code target.keys: uuid}: the UUID columns the copy computes and appends
 *                           to each row after the copied columns, the row's own key first; else empty
 */
public record TablePlan(
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
    List<UuidColumn> uuids) {

  public TablePlan {
    uuids = uuids == null ? List.of() : List.copyOf(uuids);
  }

  /** A plan without UUID columns ({@code target.keys: composite}). */
  public TablePlan(String tenantId, String sourceTable, String targetTable, List<ColumnPlan> columns, SplitPlan split,
      long estimatedRows, long estimatedBytes, CopyFormat copyFormat, String partitionOf, TargetDdl ddl,
      boolean targetExists, boolean targetHasRows, double readBytesPerSecond, List<String> warnings) {
    this(tenantId, sourceTable, targetTable, columns, split, estimatedRows, estimatedBytes, copyFormat, partitionOf, ddl,
        targetExists, targetHasRows, readBytesPerSecond, warnings, List.of());
  }

  public CopyFormat copyFormatOrBinary() {
    return copyFormat == null ? CopyFormat.BINARY : copyFormat;
  }

  /**
   * Reads a plan in either of its stored forms (see {@link StoredTablePlan}): targets keep the job records
   * that hold plans across Ferry versions, so a record written with the key and the DDL as flat fields
   * must still read.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static TablePlan read(StoredTablePlan stored) {
    return stored.plan();
  }
}
