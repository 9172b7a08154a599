package io.ferry.protocol;

import java.util.List;

/**
 * The {@code ferry} schema in every target database: the record of all job, unit and checkpoint state.
 * The coordinator writes jobs and units (through its map store); workers write checkpoints, in the same
 * transaction as the rows they count, and rejected rows ({@code ferry.rejects}: {@code row_key} and
 * {@code columns} are JSON arrays of text, {@code payload} one PostgreSQL text COPY line of the row's
 * {@code columns}) in the same transaction as the checkpoint that moves past them, and the constraints
 * they drop ({@code ferry.dropped_constraints}) in the same transaction as the drop.
 */
public final class CheckpointSchema {

  public static final String SCHEMA = "ferry";
  /** Raised by {@code ferry.write_checkpoint} when a newer epoch holds the checkpoint. */
  public static final String STALE_EPOCH = "FRY01";
  /** The job's last finish unit: it adds the foreign keys and restores the constraints recorded as dropped. */
  public static final String JOB_FINISH_UNIT = "finish:*";

  /**
   * Run in one transaction, by every process that writes a target, on its first use of that target. None of
   * these statements takes a lock on a table that exists already, and none may: a table lock request waits
   * behind any open transaction on the table (a worker frozen mid-chunk holds one for as long as it is
   * frozen), and every later reader and writer queues behind the waiting request, so one such statement
   * would stall the whole migration until the frozen worker woke. {@code lock_timeout} bounds the wait of
   * the one statement that may lock (adding a column to an older schema): it fails, retryably, instead.
   */
  public static final List<String> POSTGRESQL = List.of(
      // Concurrent CREATE ... IF NOT EXISTS (and CREATE OR REPLACE FUNCTION) of one object can fail in
      // PostgreSQL (the existence check and the catalog insert are not atomic): one process at a time.
      "SELECT pg_advisory_xact_lock(" + 0x4665727279L + ")",
      "SET LOCAL lock_timeout = '5s'",
      "CREATE SCHEMA IF NOT EXISTS ferry",
      """
      CREATE TABLE IF NOT EXISTS ferry.jobs (
        job_id     text PRIMARY KEY,
        body       text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now())""",
      """
      CREATE TABLE IF NOT EXISTS ferry.units (
        job_id     text NOT NULL,
        unit_id    text NOT NULL,
        body       text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, unit_id))""",
      """
      CREATE TABLE IF NOT EXISTS ferry.checkpoints (
        job_id     text NOT NULL,
        unit_id    text NOT NULL,
        epoch      bigint NOT NULL,
        last_key   text,
        rows       bigint NOT NULL,
        bytes      bigint NOT NULL,
        chunks     integer NOT NULL,
        done       boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        rejected   bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, unit_id))""",
      // Targets whose ferry schema an older Ferry created have no rejected column yet. ALTER TABLE locks
      // the table even when the column exists (ADD COLUMN IF NOT EXISTS included): look first.
      """
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_attribute
                       WHERE attrelid = 'ferry.checkpoints'::regclass AND attname = 'rejected' AND NOT attisdropped) THEN
          ALTER TABLE ferry.checkpoints ADD COLUMN rejected bigint NOT NULL DEFAULT 0;
        END IF;
      END $$""",
      // A chunk's checkpoint write and its COMMIT go to the server together, in one round trip, so the
      // write must fail (not just update nothing) when a newer lease holds the checkpoint: the COMMIT then
      // never runs. SQLSTATE FRY01 is Ferry's own, outside the classes that blame rows or connections.
      """
      CREATE OR REPLACE FUNCTION ferry.write_checkpoint(p_job text, p_unit text, p_epoch bigint, p_last_key text,
          p_rows bigint, p_bytes bigint, p_chunks integer, p_done boolean, p_rejected bigint) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO ferry.checkpoints AS c (job_id, unit_id, epoch, last_key, rows, bytes, chunks, done, rejected, updated_at)
        VALUES (p_job, p_unit, p_epoch, p_last_key, p_rows, p_bytes, p_chunks, p_done, p_rejected, now())
        ON CONFLICT (job_id, unit_id) DO UPDATE SET epoch = EXCLUDED.epoch, last_key = EXCLUDED.last_key,
          rows = EXCLUDED.rows, bytes = EXCLUDED.bytes, chunks = EXCLUDED.chunks, done = EXCLUDED.done,
          rejected = EXCLUDED.rejected, updated_at = EXCLUDED.updated_at
        WHERE c.epoch <= EXCLUDED.epoch;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'a newer lease (epoch above %) holds the checkpoint of unit %', p_epoch, p_unit
            USING ERRCODE = 'FRY01';
        END IF;
      END
      $fn$""",
      // One row per row the target rejected (onRowError: reject), inserted in the transaction that moves the
      // unit's checkpoint past its key: the key identifies a row of one unit at most once.
      """
      CREATE TABLE IF NOT EXISTS ferry.rejects (
        job_id            text NOT NULL,
        unit_id           text NOT NULL,
        tenant_id         text,
        table_name        text NOT NULL,
        row_key           text NOT NULL,
        columns           text NOT NULL,
        payload           text NOT NULL,
        payload_truncated boolean NOT NULL DEFAULT false,
        error             text NOT NULL,
        sql_state         text,
        rejected_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, unit_id, row_key))""",
      // Constraints a job dropped and has not put back yet (prepare of a table that others reference, a
      // rollback emptying tables), recorded by ferry.drop_constraint in the transaction that drops them.
      """
      CREATE TABLE IF NOT EXISTS ferry.dropped_constraints (
        job_id          text NOT NULL,
        table_schema    text NOT NULL,
        table_name      text NOT NULL,
        constraint_name text NOT NULL,
        definition      text NOT NULL,
        dropped_by      text NOT NULL,
        dropped_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, table_schema, table_name, constraint_name))""",
      // The only way Ferry drops a constraint: its definition is recorded first, and the job's last finish
      // (JOB_FINISH_UNIT), which restores what is recorded, has to run again. The definition is printed
      // with every name qualified (search_path pg_catalog), so it means the same in any session.
      """
      CREATE OR REPLACE FUNCTION ferry.drop_constraint(p_job text, p_unit text, p_constraint oid) RETURNS void
      LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
      DECLARE
        c record;
      BEGIN
        SELECT n.nspname, t.relname, con.conname, pg_get_constraintdef(con.oid) AS definition INTO c
          FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE con.oid = p_constraint;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        INSERT INTO ferry.dropped_constraints (job_id, table_schema, table_name, constraint_name, definition, dropped_by)
        VALUES (p_job, c.nspname, c.relname, c.conname, c.definition, p_unit) ON CONFLICT DO NOTHING;
        EXECUTE format('ALTER TABLE %I.%I DROP CONSTRAINT %I', c.nspname, c.relname, c.conname);
        UPDATE ferry.checkpoints SET done = false, updated_at = now()
          WHERE job_id = p_job AND unit_id = 'finish:*' AND done;
      END
      $fn$""",
      // Adds back every constraint recorded for the job that its table lacks (by name) and clears the
      // record, in the caller's transaction; returns how many it added. A table that is gone raises, and so
      // does a foreign key that rows written meanwhile violate, naming the key, so the job fails saying why.
      """
      CREATE OR REPLACE FUNCTION ferry.restore_constraints(p_job text) RETURNS integer
      LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
      DECLARE
        c record;
        t regclass;
        restored integer := 0;
        d text;
      BEGIN
        FOR c IN SELECT * FROM ferry.dropped_constraints WHERE job_id = p_job
                 ORDER BY dropped_at, table_schema, table_name, constraint_name FOR UPDATE LOOP
          t := to_regclass(format('%I.%I', c.table_schema, c.table_name));
          IF t IS NULL THEN
            RAISE EXCEPTION 'cannot restore constraint % of %.%: the table does not exist (its definition: %)',
              c.constraint_name, c.table_schema, c.table_name, c.definition;
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = t AND conname = c.constraint_name) THEN
            BEGIN
              EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', t, c.constraint_name, c.definition);
            EXCEPTION WHEN foreign_key_violation THEN
              GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
              RAISE EXCEPTION 'cannot restore foreign key % of %.% (%), dropped for the copy: % (%); fix or delete those rows, then resume the job',
                c.constraint_name, c.table_schema, c.table_name, c.definition, SQLERRM, coalesce(nullif(d, ''), 'no detail')
                USING ERRCODE = 'foreign_key_violation';
            END;
            restored := restored + 1;
          END IF;
          DELETE FROM ferry.dropped_constraints WHERE job_id = c.job_id AND table_schema = c.table_schema
            AND table_name = c.table_name AND constraint_name = c.constraint_name;
        END LOOP;
        RETURN restored;
      END
      $fn$""");

  /** {@code nvarchar} lengths of the ids in {@link #SQLSERVER}: see there why these. */
  public static final int SQLSERVER_JOB_ID_LENGTH = 100;
  public static final int SQLSERVER_UNIT_ID_LENGTH = 350;
  public static final int SQLSERVER_TENANT_ID_LENGTH = 128;
  public static final int SQLSERVER_TABLE_NAME_LENGTH = 400;
  public static final int SQLSERVER_SQL_STATE_LENGTH = 16;

  private static final String SQLSERVER_IDS = "COLLATE Latin1_General_100_BIN2 NOT NULL";

  /**
   * {@code CREATE SCHEMA} has no IF NOT EXISTS, and a check-then-create of two processes at once fails in
   * one of them: one process at a time creates, under an application lock that the transaction holds
   * until it commits. {@code sp_getapplock} needs an open transaction, and a connection without
   * auto-commit opens one implicitly at its first SELECT from a table, hence the SELECT; a catalog row
   * no DDL of Ferry's changes ({@code dbo}), so it waits for nobody. The wait is bounded: a process
   * frozen while it creates makes the others fail, retryably, rather than stall.
   */
  private static final String SQLSERVER_LOCK = """
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

  /**
   * The {@code ferry} schema in a SQL Server target database, as {@link #POSTGRESQL} (jobs, units,
   * checkpoints, rejects), run in one transaction with auto-commit off by every process that writes the
   * target, on its first use of it. Only what is missing is created: none of these statements locks a
   * table that exists already.
   *
   * <p>Ids compare byte for byte ({@code Latin1_General_100_BIN2}), as PostgreSQL's text does: under the
   * database's collation, often case-insensitive, tenants {@code a} and {@code A} would share their units'
   * checkpoints. Their lengths keep a clustered primary key of job and unit within SQL Server's 900 bytes:
   * a job id is a name of at most 63 characters and a suffix, a unit id a kind, a tenant id (63) and a
   * target table (two names of at most 128). Bodies and timestamps: {@code nvarchar(max)}, UTC
   * {@code datetime2}.
   */
  public static final List<String> SQLSERVER = List.of(
      SQLSERVER_LOCK,
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
          .formatted(SQLSERVER_JOB_ID_LENGTH, SQLSERVER_IDS, SQLSERVER_UNIT_ID_LENGTH, SQLSERVER_IDS),
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
          .formatted(SQLSERVER_JOB_ID_LENGTH, SQLSERVER_IDS, SQLSERVER_UNIT_ID_LENGTH, SQLSERVER_IDS,
              SQLSERVER_TENANT_ID_LENGTH, SQLSERVER_TABLE_NAME_LENGTH, SQLSERVER_SQL_STATE_LENGTH),
      """
      IF OBJECT_ID(N'ferry.jobs', N'U') IS NULL
        CREATE TABLE ferry.jobs (
          job_id     nvarchar(%d) %s,
          body       nvarchar(max) NOT NULL,
          updated_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
          CONSTRAINT jobs_pk PRIMARY KEY CLUSTERED (job_id))"""
          .formatted(SQLSERVER_JOB_ID_LENGTH, SQLSERVER_IDS),
      """
      IF OBJECT_ID(N'ferry.units', N'U') IS NULL
        CREATE TABLE ferry.units (
          job_id     nvarchar(%d) %s,
          unit_id    nvarchar(%d) %s,
          body       nvarchar(max) NOT NULL,
          updated_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
          CONSTRAINT units_pk PRIMARY KEY CLUSTERED (job_id, unit_id))"""
          .formatted(SQLSERVER_JOB_ID_LENGTH, SQLSERVER_IDS, SQLSERVER_UNIT_ID_LENGTH, SQLSERVER_IDS));

  private CheckpointSchema() {
  }
}
