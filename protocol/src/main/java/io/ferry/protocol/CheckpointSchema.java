package io.ferry.protocol;

import java.util.List;

/**
 * The {@code ferry} schema in every target database: the record of all job, unit and checkpoint state.
 * The coordinator writes jobs and units (through its map store); workers write checkpoints, in the same
 * transaction as the rows they count, and rejected rows ({@code ferry.rejects}: {@code row_key} and
 * {@code columns} are JSON arrays of text, {@code payload} one PostgreSQL text COPY line of the row's
 * {@code columns}) in the same transaction as the checkpoint that moves past them.
 */
public final class CheckpointSchema {

  public static final String SCHEMA = "ferry";
  /** Raised by {@code ferry.write_checkpoint} when a newer epoch holds the checkpoint. */
  public static final String STALE_EPOCH = "FRY01";

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
        PRIMARY KEY (job_id, unit_id, row_key))""");

  private CheckpointSchema() {
  }
}
