package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TargetDialectContract;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SQL Server target against the target contract, on the shared server ({@link SqlServerDatabases}). Its
 * connections are lent by the worker's pools, as units borrow them: a new Babelfish session pays seconds for
 * its first catalog queries, which a warm one does not.
 */
class SqlServerTargetContractIT extends TargetDialectContract {

  private final SqlServerTarget dialect = new SqlServerTarget();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
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
    pools.close();
    databases().close();
  }

  @Override
  protected Connection connect() throws SQLException {
    return pools.target(dialect, databases().connection(url));
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
