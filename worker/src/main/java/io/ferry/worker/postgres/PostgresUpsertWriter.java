package io.ferry.worker.postgres;

import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Mode upsert: a chunk is COPYed into a temporary staging table, then merged into the target with one
 * {@code INSERT … SELECT … ON CONFLICT (key) DO UPDATE}, in the chunk's transaction (the checkpoint
 * commits with it). Set-based, never row by row, and idempotent: running a chunk twice leaves the same
 * rows, which is what makes a whole upsert job safe to run again. Rows are never deleted.
 *
 * <p>The staging table has exactly the written columns, with the target's types (created from the target
 * with {@code WITH NO DATA}, so no constraint can reject a row before the merge decides about it), and
 * {@code ON COMMIT DELETE ROWS}: every chunk starts with it empty, also after a rollback, since the rows
 * of a rolled-back chunk vanish with it. {@code IF NOT EXISTS} makes the first chunk of a session create
 * it, and re-creates it when a rollback took its creation away.
 *
 * <p>The merge says {@code OVERRIDING SYSTEM VALUE}, since the source's values of a {@code GENERATED
 * ALWAYS AS IDENTITY} column are the rows' identities and must be kept; such a column that is not part of
 * the key is left out of the update, which PostgreSQL refuses for it (an existing row keeps its value).
 */
final class PostgresUpsertWriter implements ChunkWriter {

  private final Connection target;
  private final String mergeSql;
  private final ChunkWriter copy;

  private PostgresUpsertWriter(Connection target, String mergeSql, ChunkWriter copy) {
    this.target = target;
    this.mergeSql = mergeSql;
    this.copy = copy;
  }

  static ChunkWriter open(Connection target, ChunkRequest request) throws SQLException {
    if (request.conflictKey().isEmpty()) {
      throw new SQLException("mode upsert needs the key that identifies a row of " + request.table()
          + ", and the table has none", "42P10");
    }
    TableName stage = stage(request.table());
    // The staging table lives as long as the session: a pooled connection must not carry it (and its
    // ON COMMIT truncation, and perhaps a column list a later job's table no longer has) to other units.
    LentConnection.of(target).discardOnReturn();
    List<String> alwaysIdentity = new ArrayList<>();
    try (Statement st = target.createStatement()) {
      // One round trip: the staging table, and the columns the update must leave alone.
      st.execute(stageSql(request, stage) + "; " + alwaysIdentitySql(request.table()));
      st.getMoreResults();
      try (ResultSet rs = st.getResultSet()) {
        while (rs.next()) {
          alwaysIdentity.add(rs.getString(1));
        }
      }
    }
    ChunkWriter copy = PostgresTarget.copyWriter(target, PostgresTarget.copySql(stage, request.columns(), request.format()));
    return new PostgresUpsertWriter(target, mergeSql(request, stage, alwaysIdentity), copy);
  }

  static String alwaysIdentitySql(TableName table) {
    return "SELECT attname FROM pg_attribute WHERE attrelid = " + PgSql.literal(PgSql.table(table))
        + "::regclass AND attidentity = 'a' AND NOT attisdropped";
  }

  /** A temporary table is in the session's own schema, so the name only needs to differ per target table. */
  static TableName stage(TableName table) {
    return new TableName("pg_temp", PgSql.fitIdentifier("ferry_stage_" + table.schema() + "_" + table.name()));
  }

  static String stageSql(ChunkRequest request, TableName stage) {
    return "CREATE TEMP TABLE IF NOT EXISTS " + PgSql.ident(stage.name()) + " ON COMMIT DELETE ROWS AS SELECT "
        + PgSql.idents(request.columns()) + " FROM " + PgSql.table(request.table()) + " WITH NO DATA";
  }

  /**
   * Updates every written column that is neither part of the key nor an always-generated identity; a
   * table that is all key only inserts.
   */
  static String mergeSql(ChunkRequest request, TableName stage, List<String> alwaysIdentity) {
    String columns = PgSql.idents(request.columns());
    List<String> updated = request.columns().stream()
        .filter(c -> !request.conflictKey().contains(c) && !alwaysIdentity.contains(c)).toList();
    String action = updated.isEmpty() ? "DO NOTHING" : "DO UPDATE SET "
        + updated.stream().map(c -> PgSql.ident(c) + " = EXCLUDED." + PgSql.ident(c)).collect(Collectors.joining(", "));
    return "INSERT INTO " + PgSql.table(request.table()) + " (" + columns + ") OVERRIDING SYSTEM VALUE SELECT " + columns + " FROM "
        + PgSql.table(stage) + " ON CONFLICT (" + PgSql.idents(request.conflictKey()) + ") " + action;
  }

  @Override
  public void write(byte[] data, int offset, int length) throws SQLException {
    copy.write(data, offset, length);
  }

  @Override
  public long end() throws SQLException {
    long rows = copy.end();
    try (Statement st = target.createStatement()) {
      st.executeUpdate(mergeSql);
    }
    return rows;
  }

  @Override
  public void cancel() {
    copy.cancel();
  }
}
