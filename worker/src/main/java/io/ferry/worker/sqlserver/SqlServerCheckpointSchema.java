package io.ferry.worker.sqlserver;

import java.util.List;

/**
 * {@code ferry.checkpoints} and {@code ferry.rejects} in a SQL Server target database: the T-SQL that
 * creates them, run in one transaction by every worker on its first use of the target.
 *
 * <p>Ids compare byte for byte ({@code Latin1_General_100_BIN2}), as PostgreSQL's text does: under the
 * database's collation, often case-insensitive, tenants {@code a} and {@code A} would share their units'
 * checkpoints. Their lengths keep the checkpoints' clustered primary key within SQL Server's 900 bytes:
 * a job id is a name of at most 63 characters and a suffix, a unit id a kind, a tenant id (63) and a
 * target table (two names of at most 128).
 */
final class SqlServerCheckpointSchema {

  static final int JOB_ID_LENGTH = 100;
  static final int UNIT_ID_LENGTH = 350;
  static final int TENANT_ID_LENGTH = 128;
  static final int TABLE_NAME_LENGTH = 400;
  static final int SQL_STATE_LENGTH = 16;

  /** T-SQL declarations of the variables the statements bind job and unit to. */
  static final String JOB_UNIT = "@job nvarchar(" + JOB_ID_LENGTH + ") = ?, @unit nvarchar(" + UNIT_ID_LENGTH + ") = ?";

  private static final String IDS = "COLLATE Latin1_General_100_BIN2 NOT NULL";

  /**
   * {@code CREATE SCHEMA} has no IF NOT EXISTS, and a check-then-create of two workers at once fails in
   * one of them: one worker at a time creates, under an application lock that the transaction holds
   * until it commits. {@code sp_getapplock} needs an open transaction, and a connection without
   * auto-commit opens one implicitly at its first SELECT from a table, hence the SELECT; a catalog row
   * no DDL of Ferry's changes ({@code dbo}), so it waits for nobody. The wait is bounded: a worker
   * frozen while it creates makes the others fail, retryably, rather than stall.
   */
  static final String LOCK = """
      DECLARE @lock int;
      SELECT @lock = COUNT(*) FROM sys.schemas WHERE name = N'dbo';
      EXEC @lock = sp_getapplock @Resource = N'ferry.schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction',
        @LockTimeout = 10000;
      IF @lock < 0
      BEGIN
        DECLARE @message nvarchar(200) =
          CONCAT(N'could not lock the creation of the ferry schema (sp_getapplock: ', @lock, N')');
        THROW 51000, @message, 1;
      END""";

  /** Statements that only create what is missing: none of them locks a table that exists already. */
  static final List<String> CREATE = List.of(
      LOCK,
      // CREATE SCHEMA must be alone in its batch.
      "IF SCHEMA_ID(N'ferry') IS NULL EXEC(N'CREATE SCHEMA ferry')",
      """
      IF OBJECT_ID(N'ferry.checkpoints', N'U') IS NULL
        CREATE TABLE ferry.checkpoints (
          job_id     nvarchar(%d) %s,
          unit_id    nvarchar(%d) %s,
          epoch      bigint NOT NULL,
          last_key   nvarchar(max) NULL,
          [rows]     bigint NOT NULL,
          bytes      bigint NOT NULL,
          chunks     int NOT NULL,
          done       bit NOT NULL,
          updated_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
          rejected   bigint NOT NULL DEFAULT 0,
          CONSTRAINT checkpoints_pk PRIMARY KEY CLUSTERED (job_id, unit_id))"""
          .formatted(JOB_ID_LENGTH, IDS, UNIT_ID_LENGTH, IDS),
      // A row key (JSON of the key's text values) has no length limit, so the primary key holds its SHA-256;
      // nonclustered, whose key may be 1,700 bytes. HASHBYTES takes input of any length from SQL Server 2016.
      """
      IF OBJECT_ID(N'ferry.rejects', N'U') IS NULL
        CREATE TABLE ferry.rejects (
          job_id            nvarchar(%d) %s,
          unit_id           nvarchar(%d) %s,
          tenant_id         nvarchar(%d) NULL,
          table_name        nvarchar(%d) NOT NULL,
          row_key           nvarchar(max) NOT NULL,
          row_key_hash      AS CAST(HASHBYTES('SHA2_256', row_key) AS binary(32)) PERSISTED NOT NULL,
          columns           nvarchar(max) NOT NULL,
          payload           nvarchar(max) NOT NULL,
          payload_truncated bit NOT NULL DEFAULT 0,
          error             nvarchar(max) NOT NULL,
          sql_state         nvarchar(%d) NULL,
          rejected_at       datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
          CONSTRAINT rejects_pk PRIMARY KEY NONCLUSTERED (job_id, unit_id, row_key_hash))"""
          .formatted(JOB_ID_LENGTH, IDS, UNIT_ID_LENGTH, IDS, TENANT_ID_LENGTH, TABLE_NAME_LENGTH, SQL_STATE_LENGTH));

  /** 1 when a table of the store is missing; a SELECT without a table, so it opens no transaction. */
  static final String MISSING = """
      SELECT CASE WHEN OBJECT_ID(N'ferry.checkpoints', N'U') IS NULL OR OBJECT_ID(N'ferry.rejects', N'U') IS NULL
        THEN 1 ELSE 0 END""";

  private SqlServerCheckpointSchema() {
  }
}
