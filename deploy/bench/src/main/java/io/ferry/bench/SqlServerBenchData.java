package io.ferry.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The SQL Server benchmark's source tables, built once in database {@code ferry_bench_src} of a SQL Server
 * and kept between runs: {@code narrow}, {@code wide} (~1.6 kB rows) and {@code skewed} with the row
 * counts and shapes of {@link BenchData}'s PostgreSQL tables in SQL Server types, and {@code blobs}
 * ({@value #BLOB_ROWS} rows of a 5 MB {@code varbinary(max)}, for the worker heap). The server generates
 * the rows itself ({@code INSERT … SELECT} over a numbers CTE).
 */
final class SqlServerBenchData {

  static final String DATABASE = "ferry_bench_src";
  static final String BLOBS = "blobs";
  static final int BLOB_ROWS = 100;
  static final int BLOB_BYTES = 5 * 1024 * 1024;

  private static final String NUMBERS = """
      WITH d AS (SELECT v FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) x (v)),
      k AS (SELECT a.v + 10 * b.v + 100 * c.v AS v FROM d a CROSS JOIN d b CROSS JOIN d c),
      n AS (SELECT TOP (%d) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS bigint) AS i
            FROM k a CROSS JOIN k b CROSS JOIN k c)
      """;

  private final String url;
  private final String user;
  private final String password;

  SqlServerBenchData(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  String url() {
    return url;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** The JDBC URL of the source database, as the job spec and the pipe use it. */
  String sourceUrl() {
    return url + (url.endsWith(";") ? "" : ";") + "databaseName=" + DATABASE;
  }

  Connection connect(boolean source) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("loginTimeout", "5");
    props.setProperty("responseBuffering", "adaptive");
    return DriverManager.getConnection(source ? sourceUrl() : url, props);
  }

  static long rows(String table, double scale) {
    return table.equals(BLOBS) ? BLOB_ROWS : BenchData.rows(table, scale);
  }

  /** Creates the database if needed and (re)builds a table unless it already holds the right row count. */
  void ensure(String table, double scale, boolean rebuild) throws SQLException {
    try (Connection c = connect(false); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sys.databases WHERE name = '" + DATABASE + "'")) {
        rs.next();
        if (rs.getInt(1) == 0) {
          st.execute("CREATE DATABASE " + DATABASE);
        }
      }
    }
    long rows = rows(table, scale);
    try (Connection c = connect(true); Statement st = c.createStatement()) {
      if (!rebuild && existingRows(st, table) == rows) {
        return;
      }
      long started = System.nanoTime();
      st.execute("DROP TABLE IF EXISTS dbo." + table);
      st.execute(create(table));
      st.execute(NUMBERS.formatted(rows) + fill(table, rows));
      System.out.printf(Locale.ROOT, "built SQL Server %s: %,d rows in %.0f s%n", table, rows, (System.nanoTime() - started) / 1e9);
    }
  }

  private static long existingRows(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sys.tables WHERE name = '" + table + "'")) {
      rs.next();
      if (rs.getInt(1) == 0) {
        return -1;
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT count_big(*) FROM dbo." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String create(String table) {
    return switch (table) {
      case "narrow" -> "CREATE TABLE dbo.narrow (id bigint NOT NULL PRIMARY KEY, n int, label varchar(20), amount decimal(12,2),"
          + " at datetimeoffset(0), flag bit)";
      case "wide" -> "CREATE TABLE dbo.wide (id bigint NOT NULL PRIMARY KEY, doc nvarchar(max), blob varbinary(512), note nvarchar(400))";
      case "skewed" -> "CREATE TABLE dbo.skewed (id bigint NOT NULL PRIMARY KEY, n int, label varchar(30), at datetimeoffset(0))";
      case BLOBS -> "CREATE TABLE dbo.blobs (id int NOT NULL PRIMARY KEY, data varbinary(max) NOT NULL)";
      default -> throw new IllegalArgumentException("unknown benchmark table " + table + " (narrow, wide, skewed, blobs)");
    };
  }

  private static String fill(String table, long rows) {
    return switch (table) {
      case "narrow" -> """
          INSERT INTO dbo.narrow SELECT i, CAST(i * 7 % 100000 AS int), 'label-' + CAST(i % 1000 AS varchar(10)),
            CAST((i % 100000) / 100.0 AS decimal(12,2)),
            DATEADD(second, CAST(i % 2000000000 AS int), CAST('2024-01-01T00:00:00+00:00' AS datetimeoffset(0))),
            CASE WHEN i % 2 = 0 THEN 1 ELSE 0 END FROM n""";
      // ~800 characters of JSON, 512 bytes of varbinary, ~200 characters of text per row.
      case "wide" -> """
          INSERT INTO dbo.wide SELECT i,
            N'{"id": ' + CAST(i AS nvarchar(20)) + N', "name": "customer ' + CAST(i AS nvarchar(20)) + N'", "tags": ["a", "b", "c", '
              + CAST(i % 17 AS nvarchar(10)) + N'], "notes": "' + LEFT(REPLICATE(CAST(i * 7919 AS nvarchar(max)) + N'-notes-', 120), 720) + N'"}',
            CAST(LEFT(REPLICATE(CAST(i AS varchar(max)) + '-blob-bytes-', 60), 512) AS varbinary(512)),
            LEFT(REPLICATE(CAST(i + 1 AS nvarchar(max)) + N' note ', 40), 192) + N' ' + CAST(i AS nvarchar(20))
          FROM n""";
      case "skewed" -> """
          INSERT INTO dbo.skewed SELECT CASE WHEN i <= %d THEN i ELSE CAST(CAST(i AS decimal(38,0)) * 9000000000000000000 / %d AS bigint) END,
            CAST(i %% 1000 AS int), 'row ' + CAST(i AS varchar(20)),
            DATEADD(second, CAST(i AS int), CAST('2024-01-01T00:00:00+00:00' AS datetimeoffset(0))) FROM n"""
          .formatted(rows * 9 / 10, rows);
      default -> "INSERT INTO dbo.blobs SELECT CAST(i AS int), CAST(REPLICATE(CAST(CAST(i % 10 AS varchar(1)) AS varchar(max)), "
          + BLOB_BYTES + ") AS varbinary(max)) FROM n";
    };
  }
}
