package io.ferry.protocol.spec;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of a JDBC URL that Ferry reasons about: the engine its scheme names, its hosts (each
 * {@code host:port}, the engine's default port filled in) and its database. The one place that parses a
 * JDBC URL; the driver still receives the URL as written.
 *
 * <pre>
 * jdbc:postgresql://host[:port][,host2[:port2]]/database?…    (jdbc:postgresql:database is localhost)
 * jdbc:sqlserver://host[\instance][:port];databaseName=database;…
 * </pre>
 *
 * @param hosts    each host as written, with its port ({@code [::1]:5432} for an IPv6 literal)
 * @param database the database (URL-decoded for PostgreSQL, as its driver does), or null when the URL names none
 */
public record JdbcUrl(String engine, List<String> hosts, String database) {

  private static final Map<String, String> DEFAULT_PORTS = Map.of("postgresql", "5432", "sqlserver", "1433");
  /** Names of a machine's loopback interface: any of them reaches the same server. */
  private static final Set<String> LOOPBACK = Set.of("", "localhost", "127.0.0.1", "[::1]", "[0:0:0:0:0:0:0:1]");

  public JdbcUrl {
    hosts = List.copyOf(hosts);
  }

  /** The URL's parts, or empty when it is not {@code jdbc:<engine>:…}. */
  public static Optional<JdbcUrl> parse(String url) {
    if (url == null || !url.regionMatches(true, 0, "jdbc:", 0, 5)) {
      return Optional.empty();
    }
    int colon = url.indexOf(':', 5);
    String engine = colon < 0 ? "" : url.substring(5, colon).toLowerCase(Locale.ROOT);
    if (engine.isEmpty() || !engine.chars().allMatch(Character::isLetterOrDigit)) {
      return Optional.empty();
    }
    // Without "//" (jdbc:postgresql:database) the driver connects to localhost.
    String rest = url.startsWith("//", colon + 1) ? url.substring(colon + 3) : "localhost/" + url.substring(colon + 1);
    int end = firstOf(rest, "/?;");
    String database = engine.equals("sqlserver") ? property(rest.substring(end), "databaseName", "database")
        : decoded(path(rest.substring(end)));
    List<String> hosts = new ArrayList<>();
    for (String host : rest.substring(0, end).split(",", -1)) {
      hosts.add(host.strip() + (port(host) == null && DEFAULT_PORTS.containsKey(engine) ? ":" + DEFAULT_PORTS.get(engine) : ""));
    }
    return Optional.of(new JdbcUrl(engine, hosts, database));
  }

  /** The hosts as written, each with its port, comma-separated: where a connection goes, for a message. */
  public String address() {
    return String.join(",", hosts);
  }

  /**
   * The database server(s), comparable between URLs: hosts lower-cased, every loopback name (and an empty
   * host) as {@code 127.0.0.1}. Two spellings of one remote server (a name and its address) still differ.
   */
  public String server() {
    List<String> out = new ArrayList<>();
    for (String host : hosts) {
      String port = port(host);
      String name = name(host);
      out.add((LOOPBACK.contains(name) ? "127.0.0.1" : name) + (port == null ? "" : ":" + port));
    }
    return String.join(",", out);
  }

  /**
   * Whether every host is a loopback address ({@code localhost}, {@code 127.x.x.x}, {@code ::1}): the
   * machine of whichever process connects, which across machines is another one for each.
   */
  public boolean loopback() {
    return !hosts.isEmpty() && hosts.stream().map(JdbcUrl::name).allMatch(n -> LOOPBACK.contains(n)
        || n.startsWith("127.") || n.replaceFirst("\\\\.*", "").equals("localhost"));
  }

  /** A host lower-cased, without its port. */
  private static String name(String host) {
    String port = port(host);
    return (port == null ? host : host.substring(0, host.length() - port.length() - 1)).toLowerCase(Locale.ROOT);
  }

  /** {@code server/database}: equal for two URLs that reach the same database, whatever their spelling. */
  public String location() {
    return server() + "/" + database;
  }

  /** The port written after a host, or null (an IPv6 literal's colons are inside its brackets). */
  private static String port(String host) {
    int colon = host.lastIndexOf(':');
    return colon < 0 || host.indexOf(']') > colon ? null : host.substring(colon + 1).strip();
  }

  private static int firstOf(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }

  /** {@code /database?…} → database; null when there is no path. */
  private static String path(String tail) {
    if (!tail.startsWith("/")) {
      return null;
    }
    String db = tail.substring(1, firstOf(tail.substring(1), "?;") + 1);
    return db.isEmpty() ? null : db;
  }

  private static String decoded(String database) {
    try {
      return database == null ? null : URLDecoder.decode(database, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return database; // not %-encoded after all: the name as written
    }
  }

  /**
   * The first of {@code names} among {@code ;name=value} properties (names compared ignoring case). A value
   * in braces is taken as written, {@code ;} and {@code =} included, a doubled {@code }}} as one, as
   * mssql-jdbc reads it: {@code databaseName={a;b}}} is {@code a;b}}.
   */
  private static String property(String tail, String... names) {
    List<String[]> properties = properties(tail);
    for (String name : names) {
      for (String[] p : properties) {
        if (p[0].equalsIgnoreCase(name)) {
          return p[1];
        }
      }
    }
    return null;
  }

  private static List<String[]> properties(String tail) {
    List<String[]> out = new ArrayList<>();
    int i = 0;
    while (i < tail.length()) {
      int end = tail.indexOf(';', i);
      int eq = tail.indexOf('=', i);
      if (eq < 0 || (end >= 0 && end < eq)) { // a part without a value
        i = end < 0 ? tail.length() : end + 1;
        continue;
      }
      String name = tail.substring(i, eq).strip();
      int v = eq + 1;
      while (v < tail.length() && tail.charAt(v) == ' ') {
        v++;
      }
      String value;
      if (v < tail.length() && tail.charAt(v) == '{') {
        StringBuilder braced = new StringBuilder();
        int j = v + 1;
        while (j < tail.length() && !(tail.charAt(j) == '}' && !tail.startsWith("}}", j))) {
          braced.append(tail.charAt(j));
          j += tail.startsWith("}}", j) ? 2 : 1;
        }
        value = braced.toString();
        end = tail.indexOf(';', j);
      } else {
        value = tail.substring(v, end < 0 ? tail.length() : end).strip();
      }
      out.add(new String[] {name, value});
      i = end < 0 ? tail.length() : end + 1;
    }
    return out;
  }
}
