package io.ferry.coordinator.store;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The store's contract against SQL Server 2022 itself, plus what the shared Babelfish server does not
 * emulate: key-range locks ({@code UPDLOCK, HOLDLOCK}) that make the upsert of a new unit atomic. Runs
 * where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022TargetStoreTest extends SqlServerTargetStoreTest {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected TestSqlServer server() {
    return new TestSqlServer(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(), SERVER.getPassword());
  }

  @Test
  @Override
  protected void coordinatorsUpsertingTheSameNewUnitsAtOnceNeitherFailNorDuplicate() throws Exception {
    super.coordinatorsUpsertingTheSameNewUnitsAtOnceNeitherFailNorDuplicate();
  }
}
