package io.ferry.protocol.plan;

import java.util.List;

/**
 * The statements that build a table on the target, written by the worker's target dialect; the
 * coordinator only carries them to the units that run them.
 *
 * @param types       user-defined types the table needs, in creation order (idempotent statements; the
 *                    job creates each once before any table)
 * @param prepare     run by the table's prepare unit: create, drop and recreate, or truncate
 * @param finish      primary key, indexes, sequence values, ANALYZE: run once all ranges are done
 * @param foreignKeys run by the job's last finish unit once every table is finished
 */
public record TargetDdl(List<String> types, List<String> prepare, List<String> finish, List<String> foreignKeys) {

  public static final TargetDdl NONE = new TargetDdl(List.of(), List.of(), List.of(), List.of());
}
