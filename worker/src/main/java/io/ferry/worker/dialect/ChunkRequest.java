package io.ferry.worker.dialect;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Mode;
import java.util.List;

/**
 * One chunk's write into a target table.
 *
 * @param columns     the written columns in stream order (the tenant column first when there is one)
 * @param format      the format of the bytes the writer is fed
 * @param mode        the job's mode: {@code upsert} writes through a staging table
 * @param conflictKey for upsert: the columns that identify a row (tenant column, then the key)
 */
public record ChunkRequest(TableName table, List<String> columns, CopyFormat format, Mode mode, List<String> conflictKey) {

  public ChunkRequest {
    format = format == null ? CopyFormat.BINARY : format;
    mode = mode == null ? Mode.CREATE : mode;
    conflictKey = conflictKey == null ? List.of() : List.copyOf(conflictKey);
  }

  /**
   * A copy unit's writes: its plan's format, the job's mode, and as conflict key the tenant column and
   * the table's key (the columns that identify a row in the target, and its primary key there).
   */
  public static ChunkRequest of(Assignment assignment, TenantColumn tenantColumn, TableName table, List<String> columns) {
    List<String> planKey = assignment.plan().split().key() == null ? List.of() : assignment.plan().split().key();
    List<String> key = planKey.isEmpty() || planKey.equals(List.of("ctid")) ? List.of()
        : tenantColumn.before(PlanNames.onTarget(assignment.plan(), planKey));
    return new ChunkRequest(table, columns, assignment.plan().copyFormatOrBinary(), assignment.mode(), key);
  }
}
