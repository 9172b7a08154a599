package io.ferry.worker.postgres;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens physical PgJDBC connections. A worker keeps them between unit attempts in its
 * {@link io.ferry.worker.pool.ConnectionPools} (set-up costs ~10 ms, more than a small unit's rows);
 * the preflight opens its own.
 */
final class PostgresConnections {

  private PostgresConnections() {
  }

  static Connection open(Endpoint connection) throws SQLException {
    Properties props = new Properties();
    if (connection.user() != null) {
      props.setProperty("user", connection.user());
    }
    String password = Secret.resolve(connection.password());
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "ferry-worker");
    // Fail fast on unreachable hosts; a URL parameter of the same name still wins.
    props.setProperty("connectTimeout", "10");
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(connection.url(), props);
  }
}
