package io.ferry.coordinator.schedule;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which database server a JDBC URL reaches, as {@code host:port}: tenants in different databases of one
 * server share its CPU and disks, which is what {@code maxUnitsPerSource} protects.
 */
final class SourceServers {

  // jdbc:postgresql://host[:port][,host2[:port2]]/db?…   jdbc:sqlserver://host[\instance][:port];…
  private static final Pattern URL = Pattern.compile("^jdbc:([a-z]+)://([^/;?]*)", Pattern.CASE_INSENSITIVE);

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
    Matcher m = URL.matcher(jdbcUrl);
    if (!m.find()) {
      return jdbcUrl;
    }
    String engine = m.group(1).toLowerCase(Locale.ROOT);
    String hosts = m.group(2).toLowerCase(Locale.ROOT);
    String defaultPort = engine.equals("sqlserver") ? "1433" : "5432";
    StringBuilder out = new StringBuilder();
    for (String host : hosts.split(",")) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      // "localhost" and 127.0.0.1 are one server; an IPv6 literal keeps its brackets.
      String h = host.startsWith("[") || host.lastIndexOf(':') < 0 ? host : host.substring(0, host.lastIndexOf(':'));
      String port = host.startsWith("[") ? (host.contains("]:") ? host.substring(host.indexOf("]:") + 2) : defaultPort)
          : host.lastIndexOf(':') < 0 ? defaultPort : host.substring(host.lastIndexOf(':') + 1);
      if (host.startsWith("[") && host.contains("]:")) {
        h = host.substring(0, host.indexOf("]:") + 1);
      }
      out.append(h.equals("localhost") ? "127.0.0.1" : h.isEmpty() ? "127.0.0.1" : h).append(':').append(port);
    }
    return out.toString();
  }
}
