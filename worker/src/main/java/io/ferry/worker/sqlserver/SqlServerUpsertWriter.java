package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Mode upsert: a chunk is bulk loaded into a session temporary staging table, then merged into the target
 * by key with one {@code UPDATE … FROM} of the rows that exist and one {@code INSERT … WHERE NOT EXISTS}
 * of the rest, in the chunk's transaction (its checkpoint commits with it). Set-based per chunk, never one
 * statement over the whole table, never {@code MERGE} (whose concurrency pitfalls are many, and which
 * Babelfish lacks). Idempotent: running a chunk twice leaves the same rows. Rows are never deleted.
 *
 * <p>The staging table has exactly the written columns with the target's types ({@code SELECT TOP 0 … INTO}) and no
 * identity, and is emptied after each merge; created in a transaction that is rolled back, it goes with it and the
 * next chunk creates it again. An identity column is written with {@code IDENTITY_INSERT} and left out of
 * the update (SQL Server cannot update one: an existing row keeps its value).
 */
final class SqlServerUpsertWriter implements ChunkWriter {

  private final Connection target;
  private final String mergeSql;
  private final ChunkWriter load;

  private SqlServerUpsertWriter(Connection target, String mergeSql, ChunkWriter load) {
    this.target = target;
    this.mergeSql = mergeSql;
    this.load = load;
  }

  static ChunkWriter open(Connection target, ChunkRequest request) throws SQLException {
    if (request.conflictKey().isEmpty()) {
      throw new SQLException("mode upsert needs the key that identifies a row of " + request.table()
          + ", and the table has none", "42000");
    }
    List<SqlServerBulkColumn> columns = SqlServerChunkWriter.columns(target, request.table(), request.columns());
    // The staging table lives as long as the session: a pooled connection must not carry it to other units.
    LentConnection.of(target).discardOnReturn();
    String stage = stage(request.table());
    try (Statement st = target.createStatement()) {
      st.execute(stageSql(request, stage));
    }
    List<String> identity = columns.stream().filter(SqlServerBulkColumn::identity).map(SqlServerBulkColumn::name).toList();
    List<SqlServerBulkColumn> staged = columns.stream().map(SqlServerBulkColumn::withoutIdentity).toList();
    ChunkWriter load = SqlServerChunkWriter.load(target, new TableName("", stage), staged, true);
    return new SqlServerUpsertWriter(target, mergeSql(request, stage, identity), load);
  }

  /** A temporary table is the session's own, so the name only needs to differ per target table. */
  static String stage(TableName table) {
    String name = "#ferry_stage_" + table.schema() + "_" + table.name();
    return name.length() <= 110 ? name : "#ferry_stage_" + Integer.toHexString((table.schema() + "." + table.name()).hashCode());
  }

  static String stageSql(ChunkRequest request, String stage) {
    String quoted = SqlServerSql.ident(stage);
    String columns = SqlServerSql.idents(request.columns());
    String table = SqlServerSql.table(request.table());
    // UNION ALL leaves the identity property behind (SELECT INTO would copy it): staged values are plain values.
    return "IF OBJECT_ID(" + SqlServerDdl.literal("tempdb.." + quoted) + ") IS NULL SELECT TOP 0 " + columns + " INTO " + quoted
        + " FROM " + table + " UNION ALL SELECT TOP 0 " + columns + " FROM " + table + " ELSE TRUNCATE TABLE " + quoted;
  }

  /**
   * Updates every written column that is neither part of the key nor an identity, then inserts the staged
   * rows whose key the table lacks; a table that is all key only inserts.
   */
  static String mergeSql(ChunkRequest request, String stage, List<String> identity) {
    String table = SqlServerSql.table(request.table());
    String staged = SqlServerSql.ident(stage);
    String match = request.conflictKey().stream().map(k -> "t." + SqlServerSql.ident(k) + " = s." + SqlServerSql.ident(k))
        .collect(Collectors.joining(" AND "));
    List<String> updated = request.columns().stream()
        .filter(c -> !request.conflictKey().contains(c) && !identity.contains(c)).toList();
    StringBuilder sql = new StringBuilder();
    if (!updated.isEmpty()) {
      sql.append("UPDATE t SET ").append(updated.stream().map(c -> "t." + SqlServerSql.ident(c) + " = s." + SqlServerSql.ident(c))
          .collect(Collectors.joining(", "))).append(" FROM ").append(table).append(" t JOIN ").append(staged).append(" s ON ")
          .append(match).append("; ");
    }
    boolean identityInsert = request.columns().stream().anyMatch(identity::contains);
    if (identityInsert) {
      sql.append("SET IDENTITY_INSERT ").append(table).append(" ON; ");
    }
    String columns = SqlServerSql.idents(request.columns());
    sql.append("INSERT INTO ").append(table).append(" (").append(columns).append(") SELECT ")
        .append(request.columns().stream().map(c -> "s." + SqlServerSql.ident(c)).collect(Collectors.joining(", ")))
        .append(" FROM ").append(staged).append(" s WHERE NOT EXISTS (SELECT 1 FROM ").append(table).append(" t WHERE ")
        .append(match).append(");");
    if (identityInsert) {
      sql.append(" SET IDENTITY_INSERT ").append(table).append(" OFF;");
    }
    return sql.toString();
  }

  @Override
  public void write(byte[] data, int offset, int length) throws SQLException {
    load.write(data, offset, length);
  }

  @Override
  public long end() throws SQLException {
    long rows = load.end();
    try (Statement st = target.createStatement()) {
      st.execute(mergeSql);
    }
    return rows;
  }

  @Override
  public void cancel() {
    load.cancel();
  }
}
