package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TargetDialectContract;
import java.sql.Connection;
import java.sql.SQLException;

/** The SQL Server target against the target contract, on the shared server ({@link SqlServerDatabases}). */
class SqlServerTargetContractIT extends TargetDialectContract {

  private final SqlServerTarget dialect = new SqlServerTarget();
  private SqlServerDatabases dbs;
  private String url;

  /** The server the databases are created on; a subclass may name its own. */
  protected SqlServerDatabases newDatabases() {
    return new SqlServerDatabases();
  }

  private SqlServerDatabases databases() {
    if (dbs == null) {
      dbs = newDatabases();
    }
    return dbs;
  }

  @Override
  protected TargetDialect dialect() {
    return dialect;
  }

  @Override
  protected void createDatabase() throws SQLException {
    url = databases().create("tgt_contract");
  }

  @Override
  protected void dropDatabases() throws SQLException {
    databases().close();
  }

  @Override
  protected Connection connect() throws SQLException {
    return dialect.connect(databases().connection(url));
  }

  @Override
  protected String bigintType() {
    return "bigint";
  }

  @Override
  protected String textType() {
    return "nvarchar(max)";
  }

  @Override
  protected String sqlName(TableName table) {
    return SqlServerSql.table(table);
  }
}
