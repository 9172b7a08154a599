package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceDialectContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/** The SQL Server source against the source contract, on the shared server ({@link SqlServerDatabases}). */
class SqlServerSourceContractIT extends SourceDialectContract {

  private final SqlServerDatabases dbs = new SqlServerDatabases();
  private final SqlServerSource dialect = new SqlServerSource();
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
    dbs.close();
  }

  @Override
  protected Connection connect() throws SQLException {
    return dialect.connect(dbs.connection(url));
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
