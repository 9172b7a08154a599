package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceDialectContract;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The source contract against SQL Server 2022 itself, for what the shared Babelfish server does not
 * emulate (see {@code docs/sqlserver.md}): {@code uniqueidentifier} order, the statistics histogram, and
 * databases that do not allow snapshot isolation, SQL Server's default. Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022SourceContractIT extends SourceDialectContract {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  private final SqlServerSource dialect = new SqlServerSource();
  private SqlServerDatabases dbs;
  private String url;

  @Override
  protected SourceDialect dialect() {
    return dialect;
  }

  @Override
  protected void createDatabase() throws SQLException {
    dbs = new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true",
        SERVER.getUsername(), SERVER.getPassword());
    url = dbs.create("source_contract_2022");
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
    return "dbo";
  }

  @Override
  protected String createTable(KeyShape shape) {
    return SqlServerContractTables.create(shape.name());
  }

  @Override
  protected Object uuidParameter(UUID id) {
    return id.toString();
  }

  /** A new SQL Server database does not allow snapshot isolation: the plan says what a unit's read guarantees. */
  @Test
  void withoutSnapshotIsolationThePlanSaysReadsAreReadCommitted() throws SQLException {
    try (Connection c = connect()) {
      List<String> warnings = new ArrayList<>();
      dialect.splitKey(c, dialect.describe(c, new TableName("dbo", "int_key"), new ArrayList<>()), warnings);
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("READ COMMITTED"));
      try (Statement st = c.createStatement()) {
        st.execute("ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON");
      }
      try {
        assertThat(SqlServerIsolation.snapshotAllowed(c)).isTrue();
        List<String> after = new ArrayList<>();
        dialect.splitKey(c, dialect.describe(c, new TableName("dbo", "int_key"), new ArrayList<>()), after);
        assertThat(after).noneSatisfy(w -> assertThat(w).contains("READ COMMITTED"));
      } finally {
        try (Statement st = c.createStatement()) {
          st.execute("ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION OFF");
        }
      }
    }
  }
}
