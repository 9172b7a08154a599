package io.ferry.deploy.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * The district databases on a SQL Server: created there by {@link SqlServerDemoData} and read by the
 * cluster through the {@code sqlserver} source dialect (its verify units compare them with the target
 * through the type mapping).
 */
final class SqlServerDemoSource implements DemoSource {

  /** The name under which the cluster's processes find the SQL Server password. */
  static final String PASSWORD_ENV = "FERRY_DEMO_MSSQL_PASSWORD";
  private static final Pattern SECRET_PROPERTY = Pattern.compile("(?i)(password|pwd)=[^;]*");

  private final String url;
  private final String user;
  private final String password;
  private final String prefix;
  private final String version;

  private SqlServerDemoSource(String url, String user, String password, String prefix, String version) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.prefix = prefix;
    this.version = version;
  }

  /** The server at {@code url}, once it has answered; a clear error (without the password) when it does not. */
  static SqlServerDemoSource connect(String url, String user, String password, String prefix) {
    SqlServerDemoSource source = new SqlServerDemoSource(url, user, password, prefix, null);
    try (Connection c = source.open(null); Statement st = c.createStatement(); var rs = st.executeQuery("SELECT @@VERSION")) {
      rs.next();
      String version = rs.getString(1).lines().findFirst().orElse("").strip();
      return new SqlServerDemoSource(url, user, password, prefix, version);
    } catch (SQLException e) {
      throw new IllegalStateException("no SQL Server answers at " + redacted(url) + " as user " + user + " (" + e.getMessage()
          + "). Start one (the test server: ../shared/sqlserver/start, see docs/testing.md) or name yours with"
          + " --sqlserver-url, --sqlserver-user and --sqlserver-password (or FERRY_DEMO_MSSQL_PASSWORD).");
    }
  }

  /** The URL without any password property it may carry. */
  static String redacted(String url) {
    return SECRET_PROPERTY.matcher(url).replaceAll("$1=***");
  }

  static String database(String prefix, int district) {
    return DemoData.database(prefix, district);
  }

  private Connection open(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("loginTimeout", "5");
    props.setProperty("applicationName", "ferry-demo");
    if (database != null) {
      props.setProperty("databaseName", database);
    }
    return DriverManager.getConnection(url, props);
  }

  private String tenantUrl(int district) {
    return url + (url.endsWith(";") ? "" : ";") + "databaseName=" + database(prefix, district);
  }

  @Override
  public String describe() {
    return "SQL Server " + redacted(url) + " (" + version + ")";
  }

  /** The districts are built side by side, one connection each: the server generates the rows. */
  @Override
  public long create(int districts, double scale) throws SQLException {
    try (Connection admin = open(null); Statement st = admin.createStatement()) {
      for (int d = 1; d <= districts; d++) {
        st.execute("DROP DATABASE IF EXISTS " + database(prefix, d));
        st.execute("CREATE DATABASE " + database(prefix, d));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(districts, 3));
    try {
      List<Future<Long>> filled = new ArrayList<>();
      for (int d = 1; d <= districts; d++) {
        int district = d;
        filled.add(pool.submit(() -> {
          try (Connection c = open(database(prefix, district))) {
            return SqlServerDemoData.fill(c, district, scale);
          }
        }));
      }
      long rows = 0;
      for (Future<Long> f : filled) {
        rows += f.get();
      }
      return rows;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the districts", e);
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public Map<String, Object> spec(int districts) {
    List<Map<String, Object>> tenants = new ArrayList<>();
    for (int d = 1; d <= districts; d++) {
      // By reference: the cluster's processes read the password from their environment.
      tenants.add(Map.of("id", "district_" + d, "url", tenantUrl(d), "user", user, "password", "${env:" + PASSWORD_ENV + "}"));
    }
    return Map.of("engine", "sqlserver", "tenants", tenants);
  }

  @Override
  public String include() {
    return "dbo.*";
  }

  @Override
  public Map<String, String> environment() {
    return Map.of(PASSWORD_ENV, password);
  }
}
