package io.ferry.worker.postgres;

import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TargetDialectContract;
import java.sql.Connection;
import java.sql.SQLException;

/** The PostgreSQL target against the target contract. */
class PostgresTargetContractIT extends TargetDialectContract {

  private final TestPostgres dbs = new TestPostgres();
  private final PostgresTarget dialect = new PostgresTarget();
  private String url;

  @Override
  protected TargetDialect dialect() {
    return dialect;
  }

  @Override
  protected void createDatabase() throws SQLException {
    url = dbs.create("target_contract");
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
  protected String bigintType() {
    return "bigint";
  }

  @Override
  protected String textType() {
    return "text";
  }

  @Override
  protected String sqlName(TableName table) {
    return PgSql.table(table);
  }
}
