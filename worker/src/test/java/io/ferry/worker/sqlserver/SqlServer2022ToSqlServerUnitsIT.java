package io.ferry.worker.sqlserver;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The SQL Server → SQL Server units against SQL Server 2022 itself, where what Babelfish does not emulate
 * decides: chunks go through {@code SQLServerBulkCopy} (Babelfish is written with multi-row INSERTs), the
 * copy units of one table load at once under bulk-update table locks (create) or row locks (preserve_schema,
 * upsert through per-session staging tables), the checkpoints' {@code UPDLOCK, HOLDLOCK} take key-range
 * locks, and foreign keys come back trusted. Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022ToSqlServerUnitsIT extends SqlServerToSqlServerUnitsIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected SqlServerDatabases newDatabases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }
}
