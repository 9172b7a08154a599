package io.ferry.testsupport;

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
 * The real PostgreSQL every test runs against: {@code FERRY_TEST_PG_URL} (a JDBC URL to a database of a
 * server where the user may create databases; user {@code FERRY_TEST_PG_USER}, password
 * {@code FERRY_TEST_PG_PASSWORD}), else the server on 127.0.0.1:5432 as postgres. Each database a test
 * creates gets a unique name and is dropped by {@link #drop} or {@link #close()}.
 */
public final class TestPostgres implements AutoCloseable {

  private final String adminUrl;
  private final String user;
  private final String password;
  private final List<String> created = new ArrayList<>();

  public TestPostgres() {
    this(env("FERRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"), env("FERRY_TEST_PG_USER", "postgres"),
        env("FERRY_TEST_PG_PASSWORD", ""));
  }

  /** Another server: {@code url} is a JDBC URL to one of its databases; an empty password is none. */
  public TestPostgres(String url, String user, String password) {
    this.adminUrl = url;
    this.user = user;
    this.password = password == null || password.isEmpty() ? null : password;
  }

  public String user() {
    return user;
  }

  /** The password, null when there is none. */
  public String password() {
    return password;
  }

  /** Creates a database named after {@code prefix} and returns its name. */
  public String createDatabase(String prefix) throws SQLException {
    String name = ("ferry_t_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    created.add(name);
    return name;
  }

  /** Creates a database named after {@code prefix} and returns its JDBC URL. */
  public String create(String prefix) throws SQLException {
    return url(createDatabase(prefix));
  }

  /** The JDBC URL of a database of this server, with the server URL's parameters. */
  public String url(String database) {
    int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
    int query = adminUrl.indexOf('?', slash);
    return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
  }

  /** Where a job spec or an assignment reaches the database at {@code url}, as this server's user. */
  public io.ferry.protocol.spec.Endpoint connection(String url) {
    return new io.ferry.protocol.spec.Endpoint("postgresql", url, user, password);
  }

  public Connection connect(String database) throws SQLException {
    return open(url(database));
  }

  public Connection open(String url) throws SQLException {
    Properties p = credentials();
    // No statement of a test waits for ever: a lock it queues behind fails it, with the statement named.
    p.setProperty("options", "-c statement_timeout=300000");
    return DriverManager.getConnection(url, p);
  }

  /** Without a statement timeout: creating or dropping a database waits for a checkpoint, long on a busy server. */
  private Connection admin() throws SQLException {
    return DriverManager.getConnection(adminUrl, credentials());
  }

  private Properties credentials() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /** Drops a database, its sessions ended first. */
  public void drop(String database) throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
    created.remove(database);
  }

  /** Drops every database this instance created. */
  @Override
  public void close() throws SQLException {
    for (String name : List.copyOf(created)) {
      drop(name);
    }
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

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
