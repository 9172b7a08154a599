package io.ferry.coordinator.store;

import io.ferry.testsupport.SqlServerDatabaseLock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * Real SQL Server databases for the store's tests: {@code FERRY_TEST_MSSQL_URL} (user
 * {@code FERRY_TEST_MSSQL_USER}, password {@code FERRY_TEST_MSSQL_PASSWORD}) or the shared Babelfish
 * server on 127.0.0.1:1433. Every database gets a unique name and is dropped on {@link #close()}.
 */
final class TestSqlServer implements AutoCloseable {

  private final String serverUrl;
  private final String user;
  private final String password;
  private final List<String> created = new ArrayList<>();

  TestSqlServer() {
    this(env("FERRY_TEST_MSSQL_URL", "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;trustServerCertificate=true"),
        env("FERRY_TEST_MSSQL_USER", "ferry"), env("FERRY_TEST_MSSQL_PASSWORD", "Ferry-test-1"));
  }

  /** A given server, e.g. a container's. */
  TestSqlServer(String serverUrl, String user, String password) {
    this.serverUrl = serverUrl;
    this.user = user;
    this.password = password;
  }

  /** Creates a database and returns its JDBC URL. */
  String create(String prefix) throws SQLException {
    String name = ("ferry_t_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    SqlServerDatabaseLock.run(() -> {
      try (Connection c = open(serverUrl); Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      }
    });
    created.add(name);
    return serverUrl + (serverUrl.endsWith(";") ? "" : ";") + "databaseName=" + name;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  Connection open(String url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection(url, props);
  }

  @Override
  public void close() throws SQLException {
    SqlServerDatabaseLock.run(() -> {
      try (Connection c = open(serverUrl); Statement st = c.createStatement()) {
        for (String name : created) {
          st.execute("DROP DATABASE IF EXISTS " + name);
        }
      }
    });
    created.clear();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
