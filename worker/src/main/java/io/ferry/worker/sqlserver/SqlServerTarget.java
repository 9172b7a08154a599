package io.ferry.worker.sqlserver;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.ChunkWriters;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.ForeignKey;
import io.ferry.worker.dialect.KeyDeletion;
import io.ferry.worker.dialect.RowDeletion;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TargetState;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes into a SQL Server target: DDL from {@link SqlServerDdl}, chunks by bulk load
 * ({@link SqlServerChunkWriter}), in mode upsert through a staging table ({@link SqlServerUpsertWriter}),
 * checkpoints in the target's {@code ferry} schema in the chunk's transaction.
 */
public final class SqlServerTarget implements TargetDialect {

  public static final String ENGINE = "sqlserver";

  /** How long a prepare or finish statement waits for a lock before it fails retryably, in milliseconds. */
  private static final int STATEMENT_LOCK_TIMEOUT_MILLIS = 30_000;
  /** SQL Server's error number for a statement that conflicts with a constraint (a foreign key among them). */
  private static final int CONSTRAINT_CONFLICT = 547;

  private final CheckpointStore checkpoints = new SqlServerCheckpoints();

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public Connection connect(Endpoint connection) throws SQLException {
    Connection c = SqlServerConnections.open(connection);
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public TargetState inspect(Connection target, TableName table) throws SQLException {
    if (!SqlServerExistingTables.exists(target, table)) {
      return new TargetState(false, false);
    }
    return new TargetState(true, SqlServerExistingTables.hasRows(target, table));
  }

  @Override
  public TableDdl ddl(DdlRequest request) {
    return SqlServerDdl.build(request);
  }

  /** A SQL Server source describes no partitions ({@code SourceTable.partitioned} is false), so there is none to plan. */
  @Override
  public TableDdl leafPartitionDdl(TableName target) {
    return new TableDdl(List.of(), List.of(), List.of(), List.of());
  }

  @Override
  public CheckpointStore checkpoints() {
    return checkpoints;
  }

  /**
   * An application lock owned by the transaction. {@code sp_getapplock} does not start the driver's implicit
   * transaction by itself, and {@code BEGIN TRANSACTION} in implicit-transaction mode opens two (one commit
   * would leave the other open), so a catalog read starts it.
   */
  @Override
  public void serializePrepare(Connection target) throws SQLException {
    try (Statement st = target.createStatement()) {
      st.execute("SELECT TOP (0) 1 FROM sys.objects; DECLARE @r int; EXEC @r = sp_getapplock @Resource = N'ferry.prepare',"
          + " @LockMode = N'Exclusive', @LockOwner = N'Transaction'; IF @r < 0 THROW 50000, N'could not take the prepare lock', 1;");
    }
  }

  /** {@code SET LOCK_TIMEOUT} holds for the session, not the transaction: such a connection is not lent again. */
  @Override
  public void boundLockWaits(Connection target) throws SQLException {
    LentConnection.of(target).discardOnReturn();
    try (Statement st = target.createStatement()) {
      st.execute("SET LOCK_TIMEOUT " + STATEMENT_LOCK_TIMEOUT_MILLIS);
    }
  }

  @Override
  public ChunkWriter openChunk(Connection target, TableName table, List<String> columns) throws SQLException {
    return SqlServerChunkWriter.open(target, table, columns, false);
  }

  @Override
  public ChunkWriter openChunk(Connection target, ChunkRequest request) throws SQLException {
    return chunkWriters(target, request).open();
  }

  /** In the modes that bulk load the table, whether the loads lock it is read from its indexes once, here. */
  @Override
  public ChunkWriters chunkWriters(Connection target, ChunkRequest request) throws SQLException {
    if (request.format() != CopyFormat.BINARY) {
      throw new IllegalArgumentException("a SQL Server target takes binary COPY only; " + request.table() + " was planned as "
          + request.format());
    }
    if (request.mode() == Mode.UPSERT) {
      return () -> SqlServerUpsertWriter.open(target, request);
    }
    return new SqlServerTableWrites(target, request.table(), request.columns(),
        SqlServerBulkLock.tableLock(target, request.table(), request.mode()));
  }

  @Override
  public long deleteKeys(Connection target, KeyDeletion deletion) throws SQLException {
    return SqlServerKeyDeletion.delete(target, deletion);
  }

  @Override
  public long deleteRows(Connection target, RowDeletion deletion) throws SQLException {
    return SqlServerRowDeletion.delete(target, deletion);
  }

  @Override
  public int dropForeignKeysAmong(Connection target, List<TableName> tables, String jobId, String unitId)
      throws SQLException {
    List<TableName> existing = new ArrayList<>();
    for (TableName t : tables) {
      if (SqlServerExistingTables.exists(target, t)) {
        existing.add(t);
      }
    }
    return SqlServerForeignKeyDrops.dropAmong(target, existing, jobId, unitId);
  }

  /** Names the unit in the session context, where the foreign-key drop of a prepare statement reads it. */
  @Override
  public void nameUnit(Connection target, String jobId, String unitId) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement("EXEC sp_set_session_context @key = N'"
        + SqlServerForeignKeyDrops.JOB_KEY + "', @value = ?; EXEC sp_set_session_context @key = N'"
        + SqlServerForeignKeyDrops.UNIT_KEY + "', @value = ?")) {
      ps.setNString(1, jobId);
      ps.setNString(2, unitId);
      ps.execute();
    }
  }

  @Override
  public int restoreConstraints(Connection target, String jobId) throws SQLException {
    return SqlServerForeignKeyDrops.restore(target, jobId);
  }

  @Override
  public List<ForeignKey> foreignKeysAmong(Connection target, List<TableName> tables)
      throws SQLException {
    return SqlServerForeignKeys.among(target, tables);
  }

  @Override
  public String orphansSql(ForeignKey fk, String tenantColumn, int maxKeys) {
    return SqlServerForeignKeys.orphansSql(fk, tenantColumn, maxKeys);
  }

  @Override
  public boolean referencedByForeignKey(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == CONSTRAINT_CONFLICT) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  @Override
  public ExistingTable describeExisting(Connection target, TableName table) throws SQLException {
    return SqlServerExistingTables.describe(target, table);
  }

  @Override
  public List<String> missingCollations(Connection target, List<String> collations) throws SQLException {
    List<String> missing = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT COUNT(*) FROM sys.fn_helpcollations() WHERE name = ?")) {
      for (String collation : collations) {
        ps.setNString(1, collation);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 0) {
            missing.add(collation);
          }
        }
      }
    }
    return missing;
  }

  @Override
  public String databaseIdentity(Connection connection) throws SQLException {
    return SqlServerExistingTables.databaseIdentity(connection);
  }
}
