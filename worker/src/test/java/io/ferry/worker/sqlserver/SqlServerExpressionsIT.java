package io.ferry.worker.sqlserver;

/** T-SQL expressions into PostgreSQL from the shared Babelfish server (its catalog prints them PostgreSQL-style). */
class SqlServerExpressionsIT extends SqlServerExpressionsContract {

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases();
  }
}
