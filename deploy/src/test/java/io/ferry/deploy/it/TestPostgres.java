package io.ferry.deploy.it;

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
 * The real PostgreSQL the tests use: {@code FERRY_TEST_PG_URL} (a JDBC URL to a database of a server
 * where the user may create databases; {@code FERRY_TEST_PG_USER}/{@code FERRY_TEST_PG_PASSWORD}), else
 * the server on 127.0.0.1:5432 as postgres. Each test class makes its own databases and drops them.
 */
final class TestPostgres implements AutoCloseable {

  private final String baseUrl;
  private final String user;
  private final String password;
  private final String prefix = "ferry_it_" + UUID.randomUUID().toString().substring(0, 8) + "_";
  private final List<String> created = new ArrayList<>();

  TestPostgres() {
    this(System.getenv().getOrDefault("FERRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
        System.getenv().getOrDefault("FERRY_TEST_PG_USER", "postgres"),
        System.getenv().getOrDefault("FERRY_TEST_PG_PASSWORD", ""));
  }

  /** Another server: {@code url} is a JDBC URL to one of its databases. */
  TestPostgres(String url, String user, String password) {
    this.baseUrl = url.substring(0, url.lastIndexOf('/') + 1);
    this.user = user;
    this.password = password;
  }

  String user() {
    return user;
  }

  String url(String database) {
    return baseUrl + database;
  }

  String createDatabase(String name) throws SQLException {
    String database = (prefix + name).toLowerCase(Locale.ROOT);
    try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + database);
    }
    created.add(database);
    return database;
  }

  Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    // No statement of a test waits for ever: a lock it queues behind fails it, with the statement named.
    props.setProperty("options", "-c statement_timeout=300000");
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(url(database), props);
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
      for (String database : created) {
        st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }
}
