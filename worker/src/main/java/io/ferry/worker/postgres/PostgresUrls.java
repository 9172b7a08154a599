package io.ferry.worker.postgres;

import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.postgresql.Driver;

/** PgJDBC URLs reduced to the database they reach. */
public final class PostgresUrls {

  /** Names of this machine's loopback interface: any of them reaches the same server. */
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]", "0:0:0:0:0:0:0:1");

  private PostgresUrls() {
  }

  /**
   * {@code host:port/database} of the URL's first host, parsed the way PgJDBC parses it (default host
   * localhost, default port 5432, URL-decoded database name), host in lower case and every loopback name
   * as {@code localhost}; null when the URL is not a PgJDBC URL.
   */
  public static String address(String url) {
    if (url == null) {
      return null;
    }
    Properties props = Driver.parseURL(url, null);
    if (props == null) {
      return null;
    }
    String host = props.getProperty("PGHOST", "localhost").split(",")[0].strip().toLowerCase(Locale.ROOT);
    String port = props.getProperty("PGPORT", "5432").split(",")[0].strip();
    String database = props.getProperty("PGDBNAME", "");
    return (LOOPBACK.contains(host) ? "localhost" : host) + ":" + port + "/" + database;
  }
}
