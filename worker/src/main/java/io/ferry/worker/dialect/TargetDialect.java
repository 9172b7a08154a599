package io.ferry.worker.dialect;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JdbcUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How Ferry writes into one target engine: DDL, bulk load and checkpoints. */
public interface TargetDialect {

  String engine();

  /** Opens a connection with auto-commit off; the password is resolved here. */
  Connection connect(Endpoint connection) throws SQLException;

  TargetState inspect(Connection target, TableName table) throws SQLException;

  /**
   * A pure function of the catalog description: no database is touched. In the modes that keep tables,
   * prepare drops the foreign keys into the table from the job's tables (the table's key to itself too), each
   * recorded as dropped by the unit {@link #nameUnit} named, for {@link #restoreConstraints} to add back:
   * tables, and the units of one table, are copied in parallel, so a row may arrive before the row it
   * references.
   */
  TableDdl ddl(DdlRequest request);

  /**
   * The statements of a leaf partition's own plan: none to prepare (its partitioned parent's prepare
   * creates it), and a finish that only needs what the parent's finish does not give it.
   */
  TableDdl leafPartitionDdl(TableName target);

  CheckpointStore checkpoints();

  /**
   * Makes the current transaction wait for the other prepare units on this target: concurrent
   * {@code CREATE SCHEMA IF NOT EXISTS} of the same schema fails in PostgreSQL (its existence check and
   * catalog insert are not atomic). Held until the transaction ends.
   */
  void serializePrepare(Connection target) throws SQLException;

  /**
   * Bounds how long the current transaction's statements wait for a lock. A DDL statement waiting for a
   * table lock makes every later reader and writer of the table queue behind it, so a table that a frozen
   * worker still has an open transaction on would stall everyone; bounded, the statement fails retryably
   * and the unit comes back after backoff instead.
   */
  void boundLockWaits(Connection target) throws SQLException;

  /** Starts a bulk write of {@code columns} into {@code table}, inside the connection's transaction. */
  ChunkWriter openChunk(Connection target, TableName table, List<String> columns) throws SQLException;

  /**
   * Starts a bulk write as the request says (format, and for mode upsert through a staging table),
   * inside the connection's transaction.
   */
  ChunkWriter openChunk(Connection target, ChunkRequest request) throws SQLException;

  /**
   * The writers of one unit's chunks as the request says, on {@code target} (inside each chunk's transaction):
   * what the dialect needs to know of the target table is read once here rather than per chunk.
   */
  default ChunkWriters chunkWriters(Connection target, ChunkRequest request) throws SQLException {
    return () -> openChunk(target, request);
  }

  /**
   * Deletes a rollback's rows, inside the connection's transaction: the rows of the tenant (all rows
   * without a tenant column) in the range; none when the table does not exist (nothing was copied).
   *
   * @return the rows deleted
   */
  long deleteRows(Connection target, RowDeletion deletion) throws SQLException;

  /**
   * Deletes a repair's rows by key, inside the connection's transaction: the tenant's rows (all rows without a
   * tenant column) whose key is one of the deletion's keys, in one batch.
   *
   * @return the rows deleted
   */
  long deleteKeys(Connection target, KeyDeletion deletion) throws SQLException;

  /**
   * Drops the foreign keys whose table and referenced table are both among {@code tables} (a table's
   * references to itself included), inside the connection's transaction, recording each as dropped by
   * {@code unitId} of {@code jobId} in that transaction: a rollback empties those tables and copies them
   * again in no particular order, so the job's last finish restores these keys from the record.
   *
   * @return the foreign keys dropped
   */
  int dropForeignKeysAmong(Connection target, List<TableName> tables, String jobId, String unitId)
      throws SQLException;

  /**
   * Names the unit whose statements run next in the connection's transaction, for the statements that
   * record what they drop (a prepare's foreign keys into its table).
   */
  void nameUnit(Connection target, String jobId, String unitId) throws SQLException;

  /**
   * Adds back, inside the connection's transaction, every constraint recorded as dropped by the job and
   * clears its record. A foreign key that rows written meanwhile violate fails it with a non-retryable
   * integrity violation naming the key, its definition and a row that violates it, the record kept.
   *
   * @return the constraints added back
   */
  int restoreConstraints(Connection target, String jobId) throws SQLException;

  /**
   * The foreign keys whose table and referenced table are both among {@code tables} (a table's key to itself
   * too), as the target's catalog has them, in the order of {@code tables} and by name; each names its tables
   * as {@code tables} does.
   */
  List<ForeignKey> foreignKeysAmong(Connection target, List<TableName> tables) throws SQLException;

  /**
   * The one statement that finds the rows of {@code fk}'s table whose referenced row does not exist, counted
   * per tenant, the first {@code maxKeys} listed ({@link OrphanSql}, its result columns). A pure function.
   *
   * @param tenantColumn the target's tenant column; null when the job has none
   */
  String orphansSql(ForeignKey fk, String tenantColumn, int maxKeys);

  /** The statement failed because other rows still reference the rows it deletes (a foreign key). */
  boolean referencedByForeignKey(SQLException e);

  /** What an existing target table looks like, for the checks of the modes that keep it; null when it does not exist. */
  ExistingTable describeExisting(Connection target, TableName table) throws SQLException;

  /** Which of the named collations (as the source's type mapping names them) the target does not have. */
  List<String> missingCollations(Connection target, List<String> collations) throws SQLException;

  /**
   * Which of the named collation providers (as the source's type mapping names them, e.g. {@code icu}) the
   * target server cannot create collations with.
   */
  default List<String> missingCollationProviders(Connection target, List<String> providers) throws SQLException {
    return List.of();
  }

  /**
   * Which of the named functions (signatures as the source's type mapping names them, e.g.
   * {@code gen_random_uuid()}) the target cannot call, each with what the target server is and how to get it.
   */
  default Map<String, String> missingFunctions(Connection target, List<String> functions) throws SQLException {
    return Map.of();
  }

  /** Whether two connection URLs of this engine name the same database ({@code JdbcUrl#location}). */
  default boolean sameDatabase(String url, String otherUrl) {
    Optional<String> a = JdbcUrl.parse(url).filter(u -> u.engine().equals(engine())).map(JdbcUrl::location);
    return a.isPresent() && a.equals(JdbcUrl.parse(otherUrl).map(JdbcUrl::location));
  }

  /**
   * Who the database behind the connection is, to tell whether a source of the same engine and the target
   * are one database even when their URLs differ (another name of the same host); null when unknown.
   */
  String databaseIdentity(Connection connection) throws SQLException;
}
