package io.ferry.worker.sqlserver;

import io.ferry.protocol.CheckpointSchema;
import java.util.List;

/**
 * {@code ferry.checkpoints} and {@code ferry.rejects} in a SQL Server target database: the T-SQL that
 * creates the {@code ferry} schema ({@link CheckpointSchema#SQLSERVER}, shared with the coordinator's
 * store), run in one transaction by every worker on its first use of the target, and the ids' lengths.
 */
final class SqlServerCheckpointSchema {

  static final int JOB_ID_LENGTH = CheckpointSchema.SQLSERVER_JOB_ID_LENGTH;
  static final int UNIT_ID_LENGTH = CheckpointSchema.SQLSERVER_UNIT_ID_LENGTH;
  static final int TENANT_ID_LENGTH = CheckpointSchema.SQLSERVER_TENANT_ID_LENGTH;
  static final int TABLE_NAME_LENGTH = CheckpointSchema.SQLSERVER_TABLE_NAME_LENGTH;
  static final int SQL_STATE_LENGTH = CheckpointSchema.SQLSERVER_SQL_STATE_LENGTH;

  /** T-SQL declarations of the variables the statements bind job and unit to. */
  static final String JOB_UNIT = "@job nvarchar(" + JOB_ID_LENGTH + ") = ?, @unit nvarchar(" + UNIT_ID_LENGTH + ") = ?";

  /** The lock, then each object of the schema only when it is missing. */
  static final List<String> CREATE = CheckpointSchema.SQLSERVER;

  /** 1 when a table of the store is missing; a SELECT without a table, so it opens no transaction. */
  static final String MISSING = """
      SELECT CASE WHEN OBJECT_ID(N'ferry.checkpoints', N'U') IS NULL OR OBJECT_ID(N'ferry.rejects', N'U') IS NULL
        THEN 1 ELSE 0 END""";

  private SqlServerCheckpointSchema() {
  }
}
