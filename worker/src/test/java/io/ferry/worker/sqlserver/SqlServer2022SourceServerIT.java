package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The source on SQL Server 2022 at an old and a new compatibility level (100 and 160): the capabilities it
 * reads, points from the statistics histogram at both, and a login that may neither read the histogram nor
 * {@code sys.dm_db_partition_stats} (no {@code VIEW DATABASE STATE}) planning with warnings instead of failing.
 * Runs where a Docker engine does ({@link SqlServerSourceServerIT} runs on the shared server).
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022SourceServerIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  private static final String LOGIN = "ferry_reader";
  private static final String PASSWORD = "Reader-p@:/?;={}x1";
  private static final SqlServerSource DIALECT = new SqlServerSource();
  private static SqlServerDatabases dbs;
  private static String oldUrl;
  private static String newUrl;

  @BeforeAll
  static void databases() throws SQLException {
    String server = SERVER.getJdbcUrl() + ";trustServerCertificate=true";
    dbs = new SqlServerDatabases(server, SERVER.getUsername(), SERVER.getPassword());
    // Permissions on system objects live in master (GRANT System Object Permissions), so the DENY is made there.
    dbs.execute(server, "CREATE LOGIN " + LOGIN + " WITH PASSWORD = " + SqlServerDdl.literal(PASSWORD),
        "CREATE USER " + LOGIN + " FOR LOGIN " + LOGIN, "DENY SELECT ON sys.dm_db_stats_histogram TO " + LOGIN);
    oldUrl = dbs.create("level_100");
    newUrl = dbs.create("level_160");
    for (String[] db : new String[][] {{oldUrl, "100"}, {newUrl, "160"}}) {
      dbs.execute(db[0], "ALTER DATABASE CURRENT SET COMPATIBILITY_LEVEL = " + db[1],
          "CREATE TABLE dbo.codes (id int NOT NULL PRIMARY KEY, code varchar(10) NOT NULL,"
              + " note nvarchar(20) NULL DEFAULT (N'n'), CONSTRAINT ck_id CHECK (id > 0))",
          "CREATE INDEX ix_code ON dbo.codes (code) INCLUDE (note) WHERE note IS NOT NULL",
          "WITH n AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM n WHERE n < 5000)"
              + " INSERT INTO dbo.codes (id, code) SELECT n, CONCAT('c', n) FROM n OPTION (MAXRECURSION 5000)",
          "UPDATE STATISTICS dbo.codes WITH FULLSCAN",
          "CREATE USER " + LOGIN + " FOR LOGIN " + LOGIN,
          "GRANT SELECT ON dbo.codes TO " + LOGIN);
    }
  }

  @AfterAll
  static void drop() throws SQLException {
    dbs.close();
  }

  @Test
  void capabilitiesFollowTheDatabasesLevelAndTheServersVersion() throws SQLException {
    try (Connection old = dbs.open(oldUrl); Connection current = dbs.open(newUrl)) {
      SqlServerCapabilities atOld = SqlServerCapabilities.of(old);
      SqlServerCapabilities atNew = SqlServerCapabilities.of(current);
      assertThat(atOld.majorVersion()).isEqualTo(16);
      assertThat(atOld.compatibilityLevel()).isEqualTo(100);
      assertThat(atNew.compatibilityLevel()).isEqualTo(160);
      assertThat(atOld.histogram()).isTrue();
      assertThat(atOld.babelfish()).isFalse();
      assertThat(atOld.snapshotAllowed()).as("SQL Server's default").isFalse();
    }
  }

  @Test
  void theCatalogAndTheHistogramAreReadAtBothLevels() throws SQLException {
    for (String url : List.of(oldUrl, newUrl)) {
      try (Connection c = dbs.open(url)) {
        List<String> warnings = new ArrayList<>();
        SourceTable table = DIALECT.describe(c, new TableName("dbo", "codes"), warnings);
        assertThat(warnings).as(url).isEmpty();
        assertThat(table.estimatedRows()).isEqualTo(5000);
        assertThat(table.estimatedBytes()).isPositive();
        assertThat(table.indexes()).singleElement().satisfies(i -> {
          assertThat(i.include()).containsExactly("note");
          assertThat(i.predicate()).contains("[note] IS NOT NULL");
        });
        assertThat(table.checks()).singleElement().satisfies(k -> assertThat(k.definition()).contains("[id]>(0)"));
        SplitKey key = DIALECT.splitKey(c, table, warnings);
        KeySample sample = DIALECT.sampleKey(c, table, key, 10, 2);
        assertThat(sample.method()).as(url).isEqualTo("histogram");
        assertThat(sample.warnings()).isEmpty();
      }
    }
  }

  /** SQL Server's default: no SNAPSHOT, reads under READ COMMITTED and the plan says so; allowed, reads under SNAPSHOT. */
  @Test
  void aUnitReadsUnderSnapshotOnlyWhereTheDatabaseAllowsIt() throws SQLException {
    try (Connection c = dbs.open(newUrl)) {
      SqlServerIsolation.apply(c);
      assertThat(SqlServerSourceServerIT.sessionIsolation(c)).isEqualTo(SqlServerSourceServerIT.READ_COMMITTED);
      assertThat(SqlServerIsolation.warning(c)).contains("READ COMMITTED (locking)");
      dbs.execute(newUrl, "ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON");
      try {
        SqlServerIsolation.apply(c);
        assertThat(SqlServerSourceServerIT.sessionIsolation(c)).isEqualTo(SqlServerSourceServerIT.SNAPSHOT);
        assertThat(SqlServerIsolation.warning(c)).isNull();
      } finally {
        dbs.execute(newUrl, "ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION OFF");
      }
    }
  }

  /** What the login may not read is named in the plan; the points come from the rows and the size stays unknown. */
  @Test
  void whatALoginMayNotReadIsAWarningNotAFailure() throws SQLException {
    for (String url : List.of(oldUrl, newUrl)) {
      try (Connection c = DIALECT.connect(new Endpoint("sqlserver", url, LOGIN, PASSWORD))) {
        List<String> warnings = new ArrayList<>();
        SourceTable table = DIALECT.describe(c, new TableName("dbo", "codes"), warnings);
        assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("dbo.codes: size unknown (sys.dm_db_partition_stats:"));
        assertThat(table.estimatedBytes()).isZero();
        assertThat(table.estimatedRows()).isEqualTo(5000);
        KeySample sample = DIALECT.sampleKey(c, table, DIALECT.splitKey(c, table, warnings), 10, 2);
        assertThat(sample.method()).isEqualTo("exact");
        assertThat(sample.quantiles()).hasSize(10);
        assertThat(sample.warnings()).singleElement().asString()
            .contains("table dbo.codes: statistics histogram not readable", "split points are sampled");
      }
    }
  }
}
