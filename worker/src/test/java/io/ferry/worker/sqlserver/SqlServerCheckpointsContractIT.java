package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.CheckpointStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The SQL Server checkpoint store against the checkpoint contract, on the shared server ({@link SqlServerDatabases}). */
class SqlServerCheckpointsContractIT extends CheckpointStoreContract {

  private final SqlServerCheckpoints store = new SqlServerCheckpoints();
  private SqlServerDatabases dbs;
  private String url;

  /** The server to test on, asked for once the test's containers (if any) have started. */
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases();
  }

  @Override
  protected CheckpointStore store() {
    return store;
  }

  @Override
  protected void createDatabase() throws SQLException {
    dbs = databases();
    url = dbs.create("ckpt_contract");
  }

  @Override
  protected void dropDatabases() throws SQLException {
    dbs.close();
  }

  /** As the SQL Server target opens its connections: the worker's settings, auto-commit off. */
  @Override
  protected Connection connect() throws SQLException {
    Connection c = dbs.open(url);
    c.setAutoCommit(false);
    return c;
  }

  @Override
  protected void dropStoreSchema(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE ferry.checkpoints");
      st.execute("DROP TABLE ferry.rejects");
      st.execute("DROP TABLE ferry.jobs");
      st.execute("DROP TABLE ferry.units");
      st.execute("DROP SCHEMA ferry");
    }
  }
}
