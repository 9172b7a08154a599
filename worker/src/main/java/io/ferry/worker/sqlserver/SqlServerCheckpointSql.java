package io.ferry.worker.sqlserver;

import static io.ferry.worker.sqlserver.SqlServerCheckpointSchema.JOB_UNIT;

/**
 * The T-SQL batches of {@link SqlServerCheckpoints}, each one round trip.
 *
 * <p>T-SQL has no upsert but {@code MERGE}, whose concurrent use needs the same hints and which Babelfish
 * lacks: a batch updates the row and inserts it only when the update found none. {@code UPDLOCK,
 * HOLDLOCK} make that atomic against other sessions: the update keeps the row, or the key range where it
 * would be, locked until the transaction ends, so nobody inserts or changes it in between. The parameters
 * are bound to variables first, so each is sent once however often the batch uses it.
 *
 * <p>A worker's target connection has auto-commit off, which mssql-jdbc implements as
 * {@code IMPLICIT_TRANSACTIONS ON}: the first UPDATE opens the transaction, and after a COMMIT in a
 * batch the next statement opens the next one; an explicit BEGIN TRANSACTION would nest a second level.
 */
final class SqlServerCheckpointSql {

  private static final String COLUMNS = "epoch, last_key, [rows], bytes, chunks, done, rejected";

  private static final String INSERT_COLUMNS =
      "INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, last_key, [rows], bytes, chunks, done, rejected, updated_at)";

  private static final String ABSENT = """
      WHERE NOT EXISTS (SELECT 1 FROM ferry.checkpoints WITH (UPDLOCK, HOLDLOCK) WHERE job_id = @job AND unit_id = @unit)""";

  /** The checkpoint's columns, read by {@link SqlServerCheckpoints#checkpoint}. */
  static final String READ = "SELECT " + COLUMNS + " FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ?";

  /**
   * Sets {@code @n} to 1 when the checkpoint is written: updated where its epoch is not newer than ours,
   * inserted where there is none. A worker whose lease moved on (a newer epoch holds the row) writes
   * nothing. Nine parameters, bound by {@link SqlServerCheckpoints#bindCheckpoint}.
   */
  private static final String FENCED_WRITE = """
      DECLARE %s, @epoch bigint = ?, @last_key nvarchar(max) = ?, @rows bigint = ?, @bytes bigint = ?, @chunks int = ?,
        @done bit = ?, @rejected bigint = ?, @n int;
      UPDATE ferry.checkpoints WITH (UPDLOCK, HOLDLOCK)
        SET epoch = @epoch, last_key = @last_key, [rows] = @rows, bytes = @bytes, chunks = @chunks, done = @done,
          rejected = @rejected, updated_at = SYSUTCDATETIME()
        WHERE job_id = @job AND unit_id = @unit AND epoch <= @epoch;
      SET @n = @@ROWCOUNT;
      IF @n = 0
      BEGIN
        %s
        SELECT @job, @unit, @epoch, @last_key, @rows, @bytes, @chunks, @done, @rejected, SYSUTCDATETIME()
        %s;
        SET @n = @@ROWCOUNT;
      END;
      """.formatted(JOB_UNIT, INSERT_COLUMNS, ABSENT);

  static final String WRITE = FENCED_WRITE + "SELECT @n;";

  /**
   * The fenced write and its COMMIT in one round trip; a refused write rolls the chunk back in the same
   * batch. The next chunk's transaction opens implicitly with its first statement.
   */
  static final String WRITE_AND_COMMIT = FENCED_WRITE + """
      IF @n = 1
        BEGIN COMMIT TRANSACTION; END
      ELSE
        BEGIN ROLLBACK TRANSACTION; END;
      SELECT @n;""";

  /**
   * Stamps a <em>newer</em> epoch only (chunk writes accept their own): a second take-over at the same
   * epoch means the coordinator handed it out twice, and the second holder is refused. Returns the
   * checkpoint as this holder resumes from it, or no row when its lease is lost.
   */
  static final String TAKE_OVER = """
      DECLARE %s, @epoch bigint = ?, @n int;
      UPDATE ferry.checkpoints WITH (UPDLOCK, HOLDLOCK) SET epoch = @epoch, updated_at = SYSUTCDATETIME()
        WHERE job_id = @job AND unit_id = @unit AND epoch < @epoch;
      SET @n = @@ROWCOUNT;
      IF @n = 0
      BEGIN
        %s
        SELECT @job, @unit, @epoch, NULL, 0, 0, 0, 0, 0, SYSUTCDATETIME()
        %s;
        SET @n = @@ROWCOUNT;
      END;
      SELECT %s FROM ferry.checkpoints WHERE job_id = @job AND unit_id = @unit AND @n = 1;
      """.formatted(JOB_UNIT, INSERT_COLUMNS, ABSENT, COLUMNS);

  /**
   * {@link #TAKE_OVER} and its COMMIT: the epoch fences older holders from then on, whatever becomes of
   * this holder's first chunk. (A delayed-durability commit, as the PostgreSQL store's asynchronous one,
   * would save a log flush per unit, but Babelfish rejects its syntax and few databases allow it.)
   */
  static final String TAKE_OVER_AND_COMMIT = TAKE_OVER + "COMMIT TRANSACTION;";

  /**
   * The unit back to nothing copied under at least the fence epoch, and its rejected rows forgotten. The
   * UPDATE (or the INSERT's range lock) holds the checkpoint row before any of the unit's rows is deleted.
   */
  static final String RESET = """
      DECLARE %s, @epoch bigint = ?;
      UPDATE ferry.checkpoints WITH (UPDLOCK, HOLDLOCK)
        SET epoch = CASE WHEN epoch > @epoch THEN epoch ELSE @epoch END, last_key = NULL, [rows] = 0, bytes = 0,
          chunks = 0, done = 0, rejected = 0, updated_at = SYSUTCDATETIME()
        WHERE job_id = @job AND unit_id = @unit;
      IF @@ROWCOUNT = 0
      BEGIN
        %s
        SELECT @job, @unit, @epoch, NULL, 0, 0, 0, 0, 0, SYSUTCDATETIME()
        %s;
      END;
      DELETE FROM ferry.rejects WHERE job_id = @job AND unit_id = @unit;
      """.formatted(JOB_UNIT, INSERT_COLUMNS, ABSENT);

  /** A key recorded again (possible only after its unit's checkpoint was reset) replaces the old record. */
  static final String REJECT = """
      DECLARE %s, @tenant nvarchar(%d) = ?, @table nvarchar(%d) = ?, @row_key nvarchar(max) = ?,
        @columns nvarchar(max) = ?, @payload nvarchar(max) = ?, @truncated bit = ?, @error nvarchar(max) = ?,
        @sql_state nvarchar(%d) = ?;
      UPDATE ferry.rejects WITH (UPDLOCK, HOLDLOCK)
        SET tenant_id = @tenant, table_name = @table, columns = @columns, payload = @payload,
          payload_truncated = @truncated, error = @error, sql_state = @sql_state, rejected_at = SYSUTCDATETIME()
        WHERE job_id = @job AND unit_id = @unit AND row_key_hash = CAST(HASHBYTES('SHA2_256', @row_key) AS binary(32));
      IF @@ROWCOUNT = 0
        INSERT INTO ferry.rejects (job_id, unit_id, tenant_id, table_name, row_key, columns, payload, payload_truncated,
          error, sql_state, rejected_at)
        VALUES (@job, @unit, @tenant, @table, @row_key, @columns, @payload, @truncated, @error, @sql_state,
          SYSUTCDATETIME());
      """.formatted(JOB_UNIT, SqlServerCheckpointSchema.TENANT_ID_LENGTH, SqlServerCheckpointSchema.TABLE_NAME_LENGTH,
      SqlServerCheckpointSchema.SQL_STATE_LENGTH);

  private SqlServerCheckpointSql() {
  }
}
