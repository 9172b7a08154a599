package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Statement;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * T-SQL expressions into PostgreSQL from SQL Server 2022 itself, whose catalog prints them in T-SQL
 * ({@code ([qty]>(0))}, {@code ((1))}, {@code (getdate())}, {@code ([live]=(1))}), the filtered index's filter
 * included. Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022ExpressionsIT extends SqlServerExpressionsContract {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }

  /** SQL Server reports the filter: the index is partial on the target, so two rows not live share a code. */
  @Override
  protected void assertFilteredIndex(Statement st) throws java.sql.SQLException {
    assertThat(rows(st, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'app' AND tablename = 'orders'"
        + " AND indexdef LIKE 'CREATE UNIQUE INDEX%(code)%'"))
        .singleElement().asString().endsWith("WHERE (live = true)");
    st.execute("INSERT INTO app.orders (id, qty, live, code) VALUES (20, 1, false, 'dup'), (21, 1, false, 'dup')");
  }
}
