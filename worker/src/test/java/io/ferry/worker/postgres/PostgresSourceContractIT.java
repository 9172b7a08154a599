package io.ferry.worker.postgres;

import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceDialectContract;
import java.sql.Connection;
import java.sql.SQLException;

/** The PostgreSQL source against the source contract. */
class PostgresSourceContractIT extends SourceDialectContract {

  private final TestPostgres dbs = new TestPostgres();
  private final PostgresSource dialect = new PostgresSource();
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
    return "public";
  }

  @Override
  protected String createTable(KeyShape shape) {
    return switch (shape) {
      case INT -> "CREATE TABLE int_key (id integer PRIMARY KEY, v text)";
      case BIGINT -> "CREATE TABLE bigint_key (id bigint PRIMARY KEY, v text)";
      case TEXT -> "CREATE TABLE text_key (code varchar(60) PRIMARY KEY, v text)";
      case UUID -> "CREATE TABLE uuid_key (id uuid PRIMARY KEY, v text)";
      case COMPOSITE -> "CREATE TABLE composite_key (region integer, code varchar(60), v text, PRIMARY KEY (region, code))";
      case NULLABLE_UNIQUE -> "CREATE TABLE nullable_unique (a varchar(60), b integer, v text, UNIQUE (a, b))";
      case NO_KEY -> "CREATE TABLE no_key (x integer, v text)";
    };
  }
}
