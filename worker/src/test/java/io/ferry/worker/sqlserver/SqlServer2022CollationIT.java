package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.plan.TablePlan;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The collation tests against SQL Server 2022 itself, plus the collations Babelfish refuses to create
 * ({@code Latin1_General_100_CI_AI}, {@code Latin1_General_BIN}, {@code _UTF8} ones; see
 * {@code docs/sqlserver.md}). Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022CollationIT extends SqlServerCollationIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }

  @Test
  void versionedBinaryAndUtf8CollationsMapByTheirSensitivity() throws Exception {
    mssql.execute(sourceUrl,
        "CREATE TABLE dbo.names (id varchar(20) COLLATE Latin1_General_100_CI_AS_SC_UTF8 PRIMARY KEY,"
            + " plain nvarchar(20) COLLATE Latin1_General_100_CI_AI NOT NULL UNIQUE,"
            + " raw varchar(20) COLLATE Latin1_General_BIN)",
        "INSERT INTO dbo.names VALUES ('Straße', N'Éclair', 'a')");
    String targetUrl = pg.create("coll_2022");
    TablePlan plan = copy(targetUrl, null, "dbo.names");
    assertThat(plan.columns()).extracting(c -> c.name() + " " + c.collation()).containsExactly(
        "id \"dbo\".\"ferry_ci_as\"", "plain \"dbo\".\"ferry_ci_ai\"", "raw \"pg_catalog\".\"C\"");
    try (Connection t = pg.open(targetUrl); Statement st = t.createStatement()) {
      t.setAutoCommit(true);
      assertThat(count(st, "SELECT count(*) FROM dbo.names WHERE id = 'STRASSE' OR id = 'straße'")).isEqualTo(1);
      assertThatThrownBy(() -> st.execute("INSERT INTO dbo.names (id, plain) VALUES ('x', 'eclair')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
    }
  }
}
