package io.ferry.coordinator.store;

import io.ferry.protocol.CheckpointSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** The coordinator's store in a PostgreSQL target ({@link CheckpointSchema#POSTGRESQL}). */
final class PostgresStoreSql implements StoreSql {

  static final PostgresStoreSql INSTANCE = new PostgresStoreSql();

  /** Any fixed number shared by all coordinators: serialises admitting jobs into one target database. */
  private static final long ADMISSION_LOCK = 0x466572726AL;

  private static final String UPSERT_JOB = """
      INSERT INTO ferry.jobs (job_id, body, updated_at) VALUES (?, ?, now())
      ON CONFLICT (job_id) DO UPDATE SET body = excluded.body, updated_at = now()""";
  private static final String UPSERT_UNIT = """
      INSERT INTO ferry.units (job_id, unit_id, body, updated_at) VALUES (?, ?, ?, now())
      ON CONFLICT (job_id, unit_id) DO UPDATE SET body = excluded.body, updated_at = now()""";
  private static final String WITHOUT_FLUSH = "SET LOCAL synchronous_commit = off";

  static final String REJECT_COLUMNS = "unit_id, tenant_id, table_name, row_key, columns, payload, payload_truncated,"
      + " error, sql_state, rejected_at";

  private PostgresStoreSql() {
  }

  @Override
  public Properties connectionProperties() {
    Properties props = new Properties();
    props.setProperty("ApplicationName", "ferry-coordinator");
    props.setProperty("connectTimeout", "5");
    props.setProperty("tcpKeepAlive", "true");
    return props;
  }

  @Override
  public List<String> schema() {
    return CheckpointSchema.POSTGRESQL;
  }

  @Override
  public String schemaExists() {
    return "SELECT to_regclass('ferry.jobs') IS NOT NULL AND to_regclass('ferry.units') IS NOT NULL"
        + " AND to_regclass('ferry.checkpoints') IS NOT NULL";
  }

  @Override
  public String admissionLock() {
    return "SELECT pg_advisory_xact_lock(" + ADMISSION_LOCK + ")";
  }

  @Override
  public String upsertJob() {
    return UPSERT_JOB;
  }

  @Override
  public String upsertUnit() {
    return UPSERT_UNIT;
  }

  /** {@code synchronous_commit = off} for this transaction only: visible at once, durable at the next WAL flush. */
  @Override
  public String upsertUnitAndCommit() {
    return WITHOUT_FLUSH + "; " + UPSERT_UNIT + "; COMMIT";
  }

  @Override
  public List<String> withoutFlush() {
    return List.of(WITHOUT_FLUSH);
  }

  @Override
  public String allJobs() {
    return "SELECT job_id, body FROM ferry.jobs ORDER BY job_id";
  }

  @Override
  public String jobsIn(int ids) {
    return "SELECT job_id, body FROM ferry.jobs WHERE job_id = ANY (?)";
  }

  @Override
  public String unitsOfJob() {
    return "SELECT unit_id, body FROM ferry.units WHERE job_id = ?";
  }

  @Override
  public String unitsOfJobIn(int ids) {
    return unitsOfJob() + " AND unit_id = ANY (?)";
  }

  @Override
  public String unitKeysIn(int ids) {
    return "SELECT job_id, unit_id FROM ferry.units WHERE job_id = ANY (?)";
  }

  @Override
  public String checkpointEpochsIn(int ids) {
    return "SELECT job_id, unit_id, epoch FROM ferry.checkpoints WHERE job_id = ANY (?)";
  }

  /** {@code rejected} through to_jsonb: a ferry schema an older Ferry created has no such column until a worker adds it. */
  @Override
  public String doneCheckpointsIn(int ids) {
    return "SELECT job_id, unit_id, epoch, rows, bytes, coalesce((to_jsonb(cp) ->> 'rejected')::bigint, 0)"
        + " FROM ferry.checkpoints cp WHERE done AND job_id = ANY (?)";
  }

  @Override
  public String rejects(boolean byTenant, boolean byTable, int limit) {
    return "SELECT " + REJECT_COLUMNS + " FROM ferry.rejects WHERE job_id = ?" + (byTenant ? " AND tenant_id = ?" : "")
        + (byTable ? " AND table_name = ?" : "") + " ORDER BY rejected_at, unit_id, row_key LIMIT " + limit;
  }

  @Override
  public java.time.Instant instant(java.sql.ResultSet rs, int column) throws SQLException {
    java.time.OffsetDateTime at = rs.getObject(column, java.time.OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  /** The ids travel as one array parameter, however many there are. */
  @Override
  public int maxIds() {
    return Integer.MAX_VALUE;
  }

  @Override
  public void bindIds(Connection c, PreparedStatement ps, int index, List<String> ids) throws SQLException {
    ps.setArray(index, c.createArrayOf("text", ids.toArray()));
  }
}
