package io.ferry.deploy.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The PostgreSQL server the demo uses: the one given, else the local one on 127.0.0.1:5432 if it
 * answers, else an embedded server started from Maven artifacts (stopped when the demo ends).
 */
public final class PostgresServer implements AutoCloseable {

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final EmbeddedPostgres embedded;

  private PostgresServer(String host, int port, String user, String password, EmbeddedPostgres embedded) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.embedded = embedded;
  }

  public static PostgresServer find(String host, int port, String user, String password) throws IOException {
    PostgresServer local = new PostgresServer(host, port, user, password, null);
    if (local.answers()) {
      return local;
    }
    EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
    return new PostgresServer("127.0.0.1", embedded.getPort(), "postgres", "", embedded);
  }

  private boolean answers() {
    try (Connection ignored = connect("postgres")) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  public String describe() {
    return host + ":" + port + (embedded != null ? " (embedded PostgreSQL, started for the demo)" : " (running server)");
  }

  public String url(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null && !password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "3");
    props.setProperty("ApplicationName", "ferry-demo");
    return DriverManager.getConnection(url(database), props);
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
