package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JdbcUrl;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the source learns about its server on the shared server (Babelfish: version 12, compatibility level
 * 120, no statistics histogram, no {@code sys.dm_db_partition_stats}), the fallbacks that picks, and
 * connections to a database and a login whose names and password hold {@code @ : / ? ; = { }}.
 * {@code SqlServer2022SourceServerIT} covers the same on SQL Server 2022.
 */
class SqlServerSourceServerIT {

  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
  private static final String ODD_DATABASE = "ferry_t_odd @:/?;={}x " + SUFFIX;
  private static final String ODD_LOGIN = "ferry_t_odd_" + SUFFIX;
  private static final String ODD_PASSWORD = "p@:/?;={}x'y" + SUFFIX;
  private static final SqlServerSource DIALECT = new SqlServerSource();
  private static String url;
  private static String serverUrl;

  @BeforeAll
  static void databases() throws SQLException {
    url = MSSQL.create("server");
    MSSQL.execute(url, "CREATE TABLE dbo.codes (id int NOT NULL PRIMARY KEY, code varchar(10) NOT NULL)",
        "DECLARE @i int = 1; WHILE @i <= 500 BEGIN INSERT INTO dbo.codes VALUES (@i, CONCAT('c', @i)); SET @i = @i + 1; END");
    serverUrl = url.substring(0, url.indexOf(";databaseName="));
    MSSQL.execute(serverUrl, "CREATE DATABASE " + SqlServerSql.ident(ODD_DATABASE),
        "CREATE LOGIN " + SqlServerSql.ident(ODD_LOGIN) + " WITH PASSWORD = " + SqlServerDdl.literal(ODD_PASSWORD));
    MSSQL.execute(oddUrl(), "CREATE USER " + SqlServerSql.ident(ODD_LOGIN) + " FOR LOGIN " + SqlServerSql.ident(ODD_LOGIN),
        "CREATE TABLE dbo.t (id int PRIMARY KEY)", "GRANT SELECT ON dbo.t TO " + SqlServerSql.ident(ODD_LOGIN));
  }

  @AfterAll
  static void drop() throws SQLException {
    try {
      MSSQL.execute(serverUrl, "DROP DATABASE IF EXISTS " + SqlServerSql.ident(ODD_DATABASE),
          "DROP LOGIN " + SqlServerSql.ident(ODD_LOGIN));
    } finally {
      MSSQL.close();
    }
  }

  /** A braced value, {@code }} doubled, as mssql-jdbc reads {@code databaseName}. */
  private static String oddUrl() {
    return serverUrl + ";databaseName={" + ODD_DATABASE.replace("}", "}}") + "}";
  }

  @Test
  void capabilitiesAreReadOnceAndNameTheServer() throws SQLException {
    try (Connection c = MSSQL.open(url)) {
      SqlServerCapabilities server = SqlServerCapabilities.of(c);
      assertThat(SqlServerCapabilities.of(c)).isSameAs(server);
      assertThat(server.compatibilityLevel()).isPositive();
      if (server.babelfish()) {
        assertThat(server.compatibilityLevel()).isEqualTo(120);
        assertThat(server.majorVersion()).isEqualTo(12);
        assertThat(server.histogram()).isFalse();
      }
    }
  }

  /** Without the histogram function the points are tiled from the rows, in the server's order, and nothing warns. */
  @Test
  void withoutAHistogramThePointsAreSampled() throws SQLException {
    try (Connection c = MSSQL.open(url)) {
      List<String> warnings = new ArrayList<>();
      SourceTable table = DIALECT.describe(c, new TableName("dbo", "codes"), warnings);
      SplitKey key = DIALECT.splitKey(c, table, warnings);
      KeySample sample = DIALECT.sampleKey(c, table, key, 5, 5);
      if (!SqlServerCapabilities.of(c).histogram()) {
        assertThat(sample.method()).isEqualTo("exact");
        assertThat(sample.quantiles()).extracting(q -> q.get(0)).containsExactly("1", "101", "201", "301", "401");
        assertThat(sample.warnings()).isEmpty();
      }
    }
  }

  /** A catalog view the server does not offer (or the login may not read) is a plan warning, never a failure. */
  @Test
  void anUnreadableSizeIsAWarning() throws SQLException {
    try (Connection c = MSSQL.open(url)) {
      List<String> warnings = new ArrayList<>();
      SourceTable table = DIALECT.describe(c, new TableName("dbo", "codes"), warnings);
      if (SqlServerCapabilities.of(c).babelfish()) {
        assertThat(warnings).singleElement().asString().startsWith("dbo.codes: size unknown (sys.dm_db_partition_stats:");
        assertThat(table.estimatedBytes()).isZero();
      } else {
        assertThat(table.estimatedBytes()).isPositive();
      }
    }
  }

  /** Every Babelfish database allows SNAPSHOT isolation: a unit's read runs under it, as the session reports. */
  @Test
  void aUnitReadsUnderSnapshotWhereTheDatabaseAllowsIt() throws SQLException {
    try (Connection c = MSSQL.open(url)) {
      boolean allowed = SqlServerCapabilities.read(c).snapshotAllowed();
      SqlServerIsolation.apply(c);
      assertThat(sessionIsolation(c)).isEqualTo(allowed ? SNAPSHOT : READ_COMMITTED);
      if (allowed) {
        assertThat(SqlServerIsolation.warning(c)).isNull();
      } else {
        assertThat(SqlServerIsolation.warning(c)).contains("each unit reads under READ COMMITTED");
      }
    }
  }

  /** {@code sys.dm_exec_sessions.transaction_isolation_level}: 2 READ COMMITTED, 5 SNAPSHOT. */
  static final int READ_COMMITTED = 2;
  static final int SNAPSHOT = 5;

  static int sessionIsolation(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT transaction_isolation_level FROM sys.dm_exec_sessions WHERE session_id = @@SPID")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void passwordsAndDatabaseNamesWithUrlCharactersConnect() throws SQLException {
    assertThat(JdbcUrl.parse(oddUrl()).orElseThrow().database()).isEqualTo(ODD_DATABASE);
    try (Connection c = DIALECT.connect(new Endpoint("sqlserver", oddUrl(), ODD_LOGIN, ODD_PASSWORD));
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DB_NAME(), SUSER_NAME()")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(ODD_DATABASE);
      assertThat(rs.getString(2)).isEqualTo(ODD_LOGIN);
      assertThat(DIALECT.listTables(c)).containsExactly(new TableName("dbo", "t"));
    }
  }
}
