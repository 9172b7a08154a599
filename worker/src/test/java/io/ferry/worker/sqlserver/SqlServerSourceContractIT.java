package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceDialectContract;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The SQL Server source against the source contract, on the shared server ({@link SqlServerDatabases}). Its
 * connections are lent by the worker's pools, as units borrow them: a new Babelfish session pays seconds for
 * its first catalog queries, which a warm one does not.
 */
class SqlServerSourceContractIT extends SourceDialectContract {

  private final SqlServerDatabases dbs = new SqlServerDatabases();
  private final SqlServerSource dialect = new SqlServerSource();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private String url;

  @Override
  protected SourceDialect dialect() {
    return dialect;
  }

  @Override
  protected void createDatabase() throws SQLException {
    url = dbs.create("source_contract");
  }

  @Override
  protected void dropDatabases() throws SQLException {
    pools.close();
    dbs.close();
  }

  @Override
  protected Connection connect() throws SQLException {
    return pools.source(dialect, dbs.connection(url));
  }

  @Override
  protected String schema() {
    return "dbo";
  }

  @Override
  protected String createTable(KeyShape shape) {
    return SqlServerContractTables.create(shape.name());
  }

  @Override
  protected Object uuidParameter(UUID id) {
    return id.toString();
  }
}
