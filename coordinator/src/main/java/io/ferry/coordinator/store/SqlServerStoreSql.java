package io.ferry.coordinator.store;

import io.ferry.protocol.CheckpointSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The coordinator's store in a SQL Server target ({@link CheckpointSchema#SQLSERVER}), in T-SQL that
 * Babelfish runs too.
 *
 * <p>T-SQL has no upsert but {@code MERGE}, whose concurrent use needs the same hints and which Babelfish
 * lacks: a batch updates the row and inserts it only when the update found none. {@code UPDLOCK,
 * HOLDLOCK} make that atomic against other sessions: the update keeps the row, or the key range where it
 * would be, locked until the transaction ends. Every write runs with auto-commit off, which mssql-jdbc
 * implements as {@code IMPLICIT_TRANSACTIONS ON}: the first UPDATE opens the transaction.
 *
 * <p>Ids are bound to {@code nvarchar(4000)} variables: one longer than its column (100 or 350
 * characters) fails the INSERT rather than being cut to another unit's id.
 */
final class SqlServerStoreSql implements StoreSql {

  static final SqlServerStoreSql INSTANCE = new SqlServerStoreSql();

  /** A statement takes at most 2,100 parameters; a thousand ids keep the statement and its plan small. */
  private static final int MAX_IDS = 1000;

  /**
   * An application lock that the transaction holds until it ends; {@code sp_getapplock} needs an open
   * transaction, which the SELECT from a catalog row no DDL of Ferry's changes opens. Bounded: a
   * coordinator frozen while it admits a job makes another fail its submission, not hang.
   */
  private static final String ADMISSION_LOCK = """
      DECLARE @lock int;
      SELECT @lock = COUNT(*) FROM sys.schemas WHERE name = N'dbo';
      EXEC @lock = sp_getapplock @Resource = N'ferry.admission', @LockMode = N'Exclusive', @LockOwner = N'Transaction',
        @LockTimeout = 30000;
      IF @lock < 0
      BEGIN
        DECLARE @message nvarchar(200) =
          CONCAT(N'could not lock the admission of jobs into this target (sp_getapplock: ', @lock, N')');
        THROW 51000, @message, 1;
      END""";

  /** NOCOUNT: a batched execution reports one outcome per row, not one per statement of the batch. */
  private static final String UPSERT_JOB = """
      SET NOCOUNT ON;
      DECLARE @job nvarchar(4000) = ?, @body nvarchar(max) = ?;
      UPDATE ferry.jobs WITH (UPDLOCK, HOLDLOCK) SET body = @body, updated_at = SYSUTCDATETIME() WHERE job_id = @job;
      IF @@ROWCOUNT = 0
        INSERT INTO ferry.jobs (job_id, body, updated_at) VALUES (@job, @body, SYSUTCDATETIME());
      """;

  private static final String UPSERT_UNIT = """
      SET NOCOUNT ON;
      DECLARE @job nvarchar(4000) = ?, @unit nvarchar(4000) = ?, @body nvarchar(max) = ?;
      UPDATE ferry.units WITH (UPDLOCK, HOLDLOCK) SET body = @body, updated_at = SYSUTCDATETIME()
        WHERE job_id = @job AND unit_id = @unit;
      IF @@ROWCOUNT = 0
        INSERT INTO ferry.units (job_id, unit_id, body, updated_at) VALUES (@job, @unit, @body, SYSUTCDATETIME());
      """;

  private SqlServerStoreSql() {
  }

  @Override
  public Properties connectionProperties() {
    Properties props = new Properties();
    props.setProperty("applicationName", "ferry-coordinator");
    props.setProperty("loginTimeout", "5");
    // A body is read as it streams rather than buffered whole with the rest of the result.
    props.setProperty("responseBuffering", "adaptive");
    // Ids and bodies are nvarchar: strings bound as nvarchar keep every character and seek the keys as they are.
    props.setProperty("sendStringParametersAsUnicode", "true");
    return props;
  }

  @Override
  public List<String> schema() {
    return CheckpointSchema.SQLSERVER;
  }

  @Override
  public String schemaExists() {
    return "SELECT CASE WHEN OBJECT_ID(N'ferry.jobs', N'U') IS NOT NULL AND OBJECT_ID(N'ferry.units', N'U') IS NOT NULL"
        + " AND OBJECT_ID(N'ferry.checkpoints', N'U') IS NOT NULL THEN 1 ELSE 0 END";
  }

  @Override
  public String admissionLock() {
    return ADMISSION_LOCK;
  }

  @Override
  public String upsertJob() {
    return UPSERT_JOB;
  }

  @Override
  public String upsertUnit() {
    return UPSERT_UNIT;
  }

  /**
   * A plain commit: SQL Server flushes the log at every commit unless the database allows delayed
   * durability, which is off by default and whose {@code COMMIT … WITH (DELAYED_DURABILITY = ON)}
   * Babelfish rejects.
   */
  @Override
  public String upsertUnitAndCommit() {
    return UPSERT_UNIT + "COMMIT TRANSACTION;";
  }

  @Override
  public List<String> withoutFlush() {
    return List.of();
  }

  @Override
  public String allJobs() {
    return "SELECT job_id, body FROM ferry.jobs ORDER BY job_id";
  }

  @Override
  public String jobsIn(int ids) {
    return "SELECT job_id, body FROM ferry.jobs WHERE job_id IN (" + placeholders(ids) + ")";
  }

  @Override
  public String unitsOfJob() {
    return "SELECT unit_id, body FROM ferry.units WHERE job_id = ?";
  }

  @Override
  public String unitsOfJobIn(int ids) {
    return unitsOfJob() + " AND unit_id IN (" + placeholders(ids) + ")";
  }

  @Override
  public String unitKeysIn(int ids) {
    return "SELECT job_id, unit_id FROM ferry.units WHERE job_id IN (" + placeholders(ids) + ")";
  }

  @Override
  public String checkpointEpochsIn(int ids) {
    return "SELECT job_id, unit_id, epoch FROM ferry.checkpoints WHERE job_id IN (" + placeholders(ids) + ")";
  }

  @Override
  public String doneCheckpointsIn(int ids) {
    return "SELECT job_id, unit_id, epoch, [rows], bytes, rejected FROM ferry.checkpoints WHERE done = 1 AND job_id IN ("
        + placeholders(ids) + ")";
  }

  @Override
  public String rejects(boolean byTenant, boolean byTable, int limit) {
    return "SELECT TOP (" + limit + ") " + PostgresStoreSql.REJECT_COLUMNS + " FROM ferry.rejects WHERE job_id = ?"
        + (byTenant ? " AND tenant_id = ?" : "") + (byTable ? " AND table_name = ?" : "") + " ORDER BY rejected_at, unit_id";
  }

  /** {@code datetime2} has no time zone: the schema writes UTC ({@code SYSUTCDATETIME()}). */
  @Override
  public java.time.Instant instant(java.sql.ResultSet rs, int column) throws SQLException {
    java.time.LocalDateTime at = rs.getObject(column, java.time.LocalDateTime.class);
    return at == null ? null : at.toInstant(java.time.ZoneOffset.UTC);
  }

  @Override
  public int maxIds() {
    return MAX_IDS;
  }

  @Override
  public void bindIds(Connection c, PreparedStatement ps, int index, List<String> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      ps.setString(index + i, ids.get(i));
    }
  }

  private static String placeholders(int ids) {
    return String.join(", ", Collections.nCopies(ids, "?"));
  }
}
