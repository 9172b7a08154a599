package io.ferry.coordinator;

import io.ferry.coordinator.store.Target;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Real PostgreSQL for tests: {@code FERRY_TEST_PG_URL}, else the local server. Each test class creates
 * its own uniquely named database and drops it afterwards.
 */
public final class TestDatabases {

  public static final String ADMIN_URL = System.getenv().getOrDefault("FERRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  public static final String USER = System.getenv().getOrDefault("FERRY_TEST_PG_USER", "postgres");
  public static final String PASSWORD = System.getenv().getOrDefault("FERRY_TEST_PG_PASSWORD", "");

  private TestDatabases() {
  }

  public static String create(String prefix) throws SQLException {
    String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)).toLowerCase(Locale.ROOT);
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  public static void drop(String name) throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  public static String url(String database) {
    int slash = ADMIN_URL.lastIndexOf('/');
    int query = ADMIN_URL.indexOf('?', slash);
    return ADMIN_URL.substring(0, slash + 1) + database + (query < 0 ? "" : ADMIN_URL.substring(query));
  }

  /** The coordinator's store target for {@code database}, with the test password (none when empty). */
  public static Target target(String database) {
    return new Target(url(database), USER, PASSWORD.isEmpty() ? null : PASSWORD);
  }

  public static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), USER, PASSWORD);
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
  }
}
