package io.ferry.worker.sqlserver;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens mssql-jdbc connections. User and password travel as properties, never in the URL, so any
 * character ({@code ; = { }}) in them is safe. Everything else ({@code encrypt}, {@code trustServerCertificate},
 * {@code integratedSecurity}, {@code authentication}, a braced {@code databaseName}) is the URL's, passed as written.
 */
public final class SqlServerConnections {

  private SqlServerConnections() {
  }

  public static Connection open(Endpoint endpoint) throws SQLException {
    return DriverManager.getConnection(endpoint.url(), properties(endpoint));
  }

  /** The driver properties Ferry sets; without a user (integrated authentication) none names one. */
  static Properties properties(Endpoint endpoint) {
    Properties props = new Properties();
    if (endpoint.user() != null) {
      props.setProperty("user", endpoint.user());
    }
    String password = Secret.resolve(endpoint.password());
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("applicationName", "ferry-worker");
    props.setProperty("loginTimeout", "10");
    // Rows stream as they are read, so a multi-megabyte (max) value never has to fit in memory whole.
    props.setProperty("responseBuffering", "adaptive");
    // A varchar key bound as varchar compares in the column's collation; nvarchar ones are bound with setNString.
    props.setProperty("sendStringParametersAsUnicode", "false");
    return props;
  }
}
