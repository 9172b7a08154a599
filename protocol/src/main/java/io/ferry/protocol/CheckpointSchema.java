package io.ferry.protocol;

import java.util.List;

/**
 * The {@code ferry} schema in every target database: the record of all job, unit and checkpoint state.
 * The coordinator writes jobs and units (through its map store); workers write checkpoints, in the same
 * transaction as the rows they count.
 */
public final class CheckpointSchema {

  public static final String SCHEMA = "ferry";

  public static final List<String> POSTGRESQL = List.of(
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
        PRIMARY KEY (job_id, unit_id))""");

  private CheckpointSchema() {
  }
}
