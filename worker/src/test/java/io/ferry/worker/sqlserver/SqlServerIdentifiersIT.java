package io.ferry.worker.sqlserver;

/** The identifier styles and column type overrides from the shared Babelfish server (names lower-cased by its catalog). */
class SqlServerIdentifiersIT extends SqlServerIdentifiersContract {

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases();
  }
}
