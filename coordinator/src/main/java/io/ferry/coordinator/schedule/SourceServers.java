package io.ferry.coordinator.schedule;

import io.ferry.protocol.spec.JdbcUrl;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which database server a JDBC URL reaches, as {@code host:port}: tenants in different databases of one
 * server share its CPU and disks, which is what {@code maxUnitsPerSource} protects.
 */
final class SourceServers {

  /** Every claim asks for every leased copy unit's server: a job has few source URLs, parsed once each. */
  private static final Map<String, String> PARSED = new ConcurrentHashMap<>();

  private SourceServers() {
  }

  static String of(String jdbcUrl) {
    if (jdbcUrl == null) {
      return null;
    }
    if (PARSED.size() > 10_000) {
      PARSED.clear(); // a long-lived coordinator's many past jobs: forget them rather than grow
    }
    return PARSED.computeIfAbsent(jdbcUrl, SourceServers::parse);
  }

  private static String parse(String jdbcUrl) {
    return JdbcUrl.parse(jdbcUrl).map(JdbcUrl::server).orElse(jdbcUrl);
  }
}
