package io.ferry.worker.sqlserver;

import io.ferry.testsupport.SqlServerDatabaseLock;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Real SQL Server databases for tests: {@code FERRY_TEST_MSSQL_URL} (user {@code FERRY_TEST_MSSQL_USER},
 * password {@code FERRY_TEST_MSSQL_PASSWORD}) or the shared Babelfish server on 127.0.0.1:1433. Every
 * database gets a unique name and is dropped on {@link #close()}. Test JVMs on one machine create and drop
 * databases one at a time (a file lock): Babelfish can fail a CREATE or DROP DATABASE that runs beside another.
 */
public final class SqlServerDatabases implements AutoCloseable {

  private final String serverUrl;
  private final String user;
  private final String password;
  private final List<String> created = new ArrayList<>();

  /** The server the environment names, else the shared Babelfish server. */
  public SqlServerDatabases() {
    this(env("FERRY_TEST_MSSQL_URL", "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;trustServerCertificate=true"),
        env("FERRY_TEST_MSSQL_USER", "ferry"), env("FERRY_TEST_MSSQL_PASSWORD", "Ferry-test-1"));
  }

  /** A given server, e.g. a container's. */
  public SqlServerDatabases(String serverUrl, String user, String password) {
    this.serverUrl = serverUrl;
    this.user = user;
    this.password = password;
  }

  /** Creates a database and returns its JDBC URL. */
  public String create(String prefix) throws SQLException {
    String name = ("ferry_t_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    underDatabaseLock("CREATE DATABASE " + name);
    created.add(name);
    return urlOf(name);
  }

  /** The connection spec a dialect opens for {@code url}. */
  public io.ferry.protocol.spec.Endpoint connection(String url) {
    return new io.ferry.protocol.spec.Endpoint("sqlserver", url, user, password);
  }

  /** A connection with the settings the worker reads with. */
  public Connection open(String url) throws SQLException {
    return SqlServerConnections.open(connection(url));
  }

  public String urlOf(String database) {
    return serverUrl + (serverUrl.endsWith(";") ? "" : ";") + "databaseName=" + database;
  }

  /** Runs statements one by one on a database. */
  public void execute(String url, String... statements) throws SQLException {
    try (Connection c = open(url); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    underDatabaseLock(created.stream().map(name -> "DROP DATABASE IF EXISTS " + name).toArray(String[]::new));
    created.clear();
  }

  /** Runs statements on the server holding the machine-wide lock on creating and dropping test databases. */
  private void underDatabaseLock(String... statements) throws SQLException {
    SqlServerDatabaseLock.run(() -> execute(serverUrl, statements));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
