package io.ferry.worker.postgres;

import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.CheckpointStore;
import io.ferry.worker.dialect.CheckpointStoreContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL checkpoint store against the checkpoint contract. */
class PostgresCheckpointsContractIT extends CheckpointStoreContract {

  private final TestPostgres dbs = new TestPostgres();
  private final PostgresTarget dialect = new PostgresTarget();
  private String url;

  @Override
  protected CheckpointStore store() {
    return dialect.checkpoints();
  }

  @Override
  protected void createDatabase() throws SQLException {
    url = dbs.create("checkpoint_contract");
  }

  @Override
  protected void dropDatabases() throws SQLException {
    dbs.close();
  }

  @Override
  protected Connection connect() throws SQLException {
    return dialect.connect(dbs.connection(url));
  }

  @Override
  protected void dropStoreSchema(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA ferry CASCADE");
    }
  }
}
