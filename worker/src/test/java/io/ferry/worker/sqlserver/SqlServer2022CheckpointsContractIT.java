package io.ferry.worker.sqlserver;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The checkpoint contract against SQL Server 2022 itself, for what the shared Babelfish server does not
 * emulate (see {@code docs/sqlserver.md}): locking reads ({@code UPDLOCK, HOLDLOCK} and blocking under
 * READ COMMITTED), error 208 for a dropped schema, and {@code sp_getapplock} as SQL Server implements it.
 * Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022CheckpointsContractIT extends SqlServerCheckpointsContractIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }
}
