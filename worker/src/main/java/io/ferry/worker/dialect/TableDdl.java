package io.ferry.worker.dialect;

import java.util.List;

/**
 * Target statements for one table: {@code prepare} before the copy (tables without indexes, for a fast
 * load), {@code finish} after all its ranges (keys, indexes, sequences, statistics) and
 * {@code foreignKeys} once every table of the job is finished.
 */
public record TableDdl(List<String> prepare, List<String> finish, List<String> foreignKeys, List<String> warnings) {
}
