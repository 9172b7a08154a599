package io.ferry.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The statements of the coordinator's store in one engine's SQL, chosen by the target's engine
 * ({@link #of}, the one place that looks at it). Parameters are bound with {@code setString}; a list of
 * job or unit ids, whose statement depends on how many there are, with {@link #bindIds}.
 */
interface StoreSql {

  /** The store's statements for a target of {@code engine} (as a job spec names it). */
  static StoreSql of(String engine) {
    return switch (engine.toLowerCase(Locale.ROOT)) {
      case "postgresql" -> PostgresStoreSql.INSTANCE;
      case "sqlserver" -> SqlServerStoreSql.INSTANCE;
      default -> throw new IllegalArgumentException("the coordinator cannot keep a job's record in a target of engine "
          + engine + " (it can in postgresql and sqlserver)");
    };
  }

  /** The driver's connection settings besides user and password. */
  Properties connectionProperties();

  /** The {@code ferry} schema's DDL, run in one transaction. */
  List<String> schema();

  /** One row, whose first column is true when the store's tables exist; opens no transaction. */
  String schemaExists();

  /** Held until the transaction ends: serialises admitting jobs into one target database. */
  String admissionLock();

  /** Upserts a job (job_id, body) in the caller's transaction. */
  String upsertJob();

  /** Upserts a unit (job_id, unit_id, body) in the caller's transaction. */
  String upsertUnit();

  /**
   * {@link #upsertUnit} and the commit of the transaction it opens, in one round trip, committing
   * without waiting for the log flush where the engine allows it for one transaction.
   */
  String upsertUnitAndCommit();

  /** Run first in a transaction of unit upserts: its commit need not wait for the log flush. */
  List<String> withoutFlush();

  /** (job_id, body) of every job, in job order. */
  String allJobs();

  /** (job_id, body) of the jobs whose ids are bound from parameter 1. */
  String jobsIn(int ids);

  /** (unit_id, body) of the units of the job bound from parameter 1. */
  String unitsOfJob();

  /** (unit_id, body) of the units of the job bound from parameter 1 whose ids are bound from parameter 2. */
  String unitsOfJobIn(int ids);

  /** (job_id, unit_id) of the units of the jobs bound from parameter 1. */
  String unitKeysIn(int ids);

  /** (job_id, unit_id, epoch) of the checkpoints of the jobs bound from parameter 1. */
  String checkpointEpochsIn(int ids);

  /** (job_id, unit_id, epoch, rows, bytes, rejected) of the done checkpoints of the jobs bound from parameter 1. */
  String doneCheckpointsIn(int ids);

  /**
   * The first {@code limit} rows of {@code ferry.rejects} of the job bound from parameter 1, oldest first, then
   * of the tenant and table bound next where asked for: (unit_id, tenant_id, table_name, row_key, columns,
   * payload, payload_truncated, error, sql_state, rejected_at).
   */
  String rejects(boolean byTenant, boolean byTable, int limit);

  /** A timestamp the store's tables hold (in UTC where the engine's type has no time zone), as an instant. */
  java.time.Instant instant(java.sql.ResultSet rs, int column) throws SQLException;

  /** The most ids one {@code …In} statement takes. */
  int maxIds();

  /** Binds the ids of an {@code …In(ids.size())} statement, from parameter {@code index}. */
  void bindIds(Connection c, PreparedStatement ps, int index, List<String> ids) throws SQLException;
}
