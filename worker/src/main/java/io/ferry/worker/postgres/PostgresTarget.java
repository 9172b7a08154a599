package io.ferry.worker.postgres;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
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
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes into a PostgreSQL target with {@code COPY … FROM STDIN} (binary, or text for tables whose types
 * cannot travel as binary), in mode upsert through a staging table ({@link PostgresUpsertWriter}).
 */
public final class PostgresTarget implements TargetDialect {

  /** Any fixed number shared by all Ferry processes: serialises prepare units on one target. */
  private static final long PREPARE_LOCK = 0x4665727280L;
  /** How long a prepare or finish statement waits for a table lock before it fails retryably. */
  private static final String STATEMENT_LOCK_TIMEOUT = "30s";

  private final PostgresCheckpoints checkpoints = new PostgresCheckpoints();

  @Override
  public String engine() {
    return "postgresql";
  }

  @Override
  public Connection connect(Endpoint connection) throws SQLException {
    Connection c = PostgresConnections.open(connection);
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public TargetState inspect(Connection target, TableName table) throws SQLException {
    if (PostgresCatalog.oid(target, table) < 0) {
      return new TargetState(false, false);
    }
    try (PreparedStatement ps = target.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + PgSql.table(table) + " LIMIT 1)");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new TargetState(true, rs.getBoolean(1));
    }
  }

  @Override
  public TableDdl ddl(DdlRequest request) {
    return PostgresDdl.build(request);
  }

  @Override
  public TableDdl leafPartitionDdl(TableName target) {
    return PostgresPartitionDdl.leaf(target);
  }

  @Override
  public void serializePrepare(Connection target) throws SQLException {
    try (java.sql.Statement st = target.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + PREPARE_LOCK + ")");
    }
  }

  @Override
  public void boundLockWaits(Connection target) throws SQLException {
    try (java.sql.Statement st = target.createStatement()) {
      st.execute("SET LOCAL lock_timeout = '" + STATEMENT_LOCK_TIMEOUT + "'");
    }
  }

  @Override
  public CheckpointStore checkpoints() {
    return checkpoints;
  }

  @Override
  public ChunkWriter openChunk(Connection target, TableName table, List<String> columns) throws SQLException {
    return copyWriter(target, copySql(table, columns));
  }

  @Override
  public ChunkWriter openChunk(Connection target, ChunkRequest request) throws SQLException {
    if (request.mode() == Mode.UPSERT) {
      return PostgresUpsertWriter.open(target, request);
    }
    return copyWriter(target, copySql(request.table(), request.columns(), request.format()));
  }

  @Override
  public long deleteKeys(Connection target, KeyDeletion deletion) throws SQLException {
    return PostgresKeyDeletion.delete(target, deletion);
  }

  @Override
  public long deleteRows(Connection target, RowDeletion deletion) throws SQLException {
    return PostgresRowDeletion.delete(target, deletion);
  }

  @Override
  public int dropForeignKeysAmong(Connection target, List<TableName> tables, String jobId, String unitId)
      throws SQLException {
    return PostgresRowDeletion.dropForeignKeysAmong(target, tables, jobId, unitId);
  }

  @Override
  public void nameUnit(Connection target, String jobId, String unitId) throws SQLException {
    try (java.sql.PreparedStatement ps = target.prepareStatement(
        "SELECT set_config('" + PostgresDdl.JOB_SETTING + "', ?, true), set_config('" + PostgresDdl.UNIT_SETTING + "', ?, true)")) {
      ps.setString(1, jobId);
      ps.setString(2, unitId);
      ps.execute();
    }
  }

  @Override
  public int restoreConstraints(Connection target, String jobId) throws SQLException {
    try (java.sql.PreparedStatement ps = target.prepareStatement("SELECT ferry.restore_constraints(?)")) {
      ps.setString(1, jobId);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Override
  public List<ForeignKey> foreignKeysAmong(Connection target, List<TableName> tables)
      throws SQLException {
    return PostgresForeignKeys.among(target, tables);
  }

  @Override
  public String orphansSql(ForeignKey fk, String tenantColumn, int maxKeys) {
    return PostgresForeignKeys.orphansSql(fk, tenantColumn, maxKeys);
  }

  @Override
  public boolean referencedByForeignKey(SQLException e) {
    return PgSql.FOREIGN_KEY_VIOLATION.equals(e.getSQLState());
  }

  @Override
  public ExistingTable describeExisting(Connection target, TableName table) throws SQLException {
    return PostgresExistingTables.describe(target, table);
  }

  @Override
  public List<String> missingCollations(Connection target, List<String> collations) throws SQLException {
    List<String> missing = new java.util.ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT to_regcollation(?) IS NULL")) {
      for (String collation : collations) {
        ps.setString(1, collation);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            missing.add(collation);
          }
        }
      }
    }
    return missing;
  }

  /**
   * A server built with ICU has ICU collations in {@code pg_catalog} from {@code initdb} on (such as
   * {@code und-x-icu}); one built without has none and refuses {@code provider = icu}.
   */
  @Override
  public List<String> missingCollationProviders(Connection target, List<String> providers) throws SQLException {
    List<String> missing = new java.util.ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement(
        "SELECT NOT EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = left(?, 1))")) {
      for (String provider : providers) {
        ps.setString(1, provider);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            missing.add(provider);
          }
        }
      }
    }
    return missing;
  }

  /**
   * A function resolves as a call in the target's DDL would: through the search path, so pgcrypto's
   * {@code gen_random_uuid()} counts on a server older than 13.
   */
  @Override
  public Map<String, String> missingFunctions(Connection target, List<String> functions) throws SQLException {
    Map<String, String> missing = new java.util.LinkedHashMap<>();
    try (PreparedStatement ps = target.prepareStatement(
        "SELECT to_regprocedure(?) IS NULL, current_setting('server_version')")) {
      for (String function : functions) {
        ps.setString(1, function);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            missing.put(function, howToProvide(function, rs.getString(2)));
          }
        }
      }
    }
    return missing;
  }

  /** What the target server is and how it would get a function it lacks. */
  static String howToProvide(String function, String serverVersion) {
    String server = "the target is PostgreSQL " + serverVersion;
    return function.equals("gen_random_uuid()")
        ? server + ", which has it built in from version 13 on: use a PostgreSQL 13 or later target, or run"
            + " CREATE EXTENSION pgcrypto in the target database (it provides gen_random_uuid() on older servers)"
        : server + ": create it in the target database";
  }

  @Override
  public String databaseIdentity(Connection connection) throws SQLException {
    return PostgresExistingTables.databaseIdentity(connection);
  }

  /**
   * Starts {@code COPY … FROM STDIN} on the target. A pooled connection is reused only if the COPY ends
   * cleanly ({@link LentConnection#bulkStarted}): one that failed or was cancelled is closed on return.
   */
  static ChunkWriter copyWriter(Connection target, String copySql) throws SQLException {
    LentConnection.of(target).bulkStarted();
    CopyIn in = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
    return new ChunkWriter() {
      @Override
      public void write(byte[] data, int offset, int length) throws SQLException {
        in.writeToCopy(data, offset, length);
      }

      @Override
      public long end() throws SQLException {
        long rows = in.endCopy();
        LentConnection.of(target).bulkEnded();
        return rows;
      }

      @Override
      public void cancel() {
        try {
          if (in.isActive()) {
            in.cancelCopy();
          }
        } catch (SQLException ignored) {
          // the transaction is rolled back next anyway
        }
      }
    };
  }

  public static String copySql(TableName table, List<String> columns) {
    return "COPY " + PgSql.table(table) + " (" + PgSql.idents(columns) + ") FROM STDIN (FORMAT binary)";
  }

  static String copySql(TableName table, List<String> columns, CopyFormat format) {
    return format == CopyFormat.TEXT ? "COPY " + PgSql.table(table) + " (" + PgSql.idents(columns) + ") FROM STDIN"
        : copySql(table, columns);
  }
}
