package io.ferry.worker;

import io.ferry.protocol.spec.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * Real PostgreSQL databases for tests: {@code FERRY_TEST_PG_URL} (user {@code FERRY_TEST_PG_USER},
 * password {@code FERRY_TEST_PG_PASSWORD}) or the local server. Every database gets a unique name and
 * is dropped on {@link #close()}.
 */
public final class TestDatabases implements AutoCloseable {

  private final String adminUrl = env("FERRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  private final String user = env("FERRY_TEST_PG_USER", "postgres");
  private final String password = System.getenv("FERRY_TEST_PG_PASSWORD");
  private final List<String> created = new ArrayList<>();

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public Endpoint connection(String url) {
    return new Endpoint("postgresql", url, user, password);
  }

  /** Creates a database and returns its JDBC URL. */
  public String create(String prefix) throws SQLException {
    String name = ("ferry_t_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = open(adminUrl); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    created.add(name);
    return urlOf(name);
  }

  public Connection open(String url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    // No statement of a test waits for ever: a lock it queues behind fails it, with the statement named.
    p.setProperty("options", "-c statement_timeout=300000");
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(url, p);
  }

  public String urlOf(String database) {
    int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
    int query = adminUrl.indexOf('?', slash);
    return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = open(adminUrl); Statement st = c.createStatement()) {
      for (String name : created) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
    created.clear();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The first column of the first row a query returns, as a long. */
  public static long longOf(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The first column of the first row a query returns, as text. */
  public static String stringOf(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
