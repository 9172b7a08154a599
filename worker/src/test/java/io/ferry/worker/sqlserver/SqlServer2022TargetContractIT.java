package io.ferry.worker.sqlserver;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The target contract against SQL Server 2022 itself, where chunks go through {@code SQLServerBulkCopy}
 * (Babelfish is written with multi-row INSERTs, see {@code docs/sqlserver.md}). Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022TargetContractIT extends SqlServerTargetContractIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected SqlServerDatabases newDatabases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(), SERVER.getPassword());
  }
}
