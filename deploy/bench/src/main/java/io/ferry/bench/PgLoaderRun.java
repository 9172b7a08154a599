package io.ferry.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pgloader's SQL Server source (it reads through FreeTDS) copying one table into database
 * {@link #DATABASE} of the target server, timed from start to exit. Its metadata query for indexes uses
 * {@code REPLACE(sys.indexes.name, …)}, which Babelfish refuses ("Argument data type sysname is invalid for
 * argument 1 of replace function"), so the load runs {@code WITH create no indexes, no foreign keys}: it
 * copies rows only, and the figure leaves out the key Ferry and the pipe build.
 */
final class PgLoaderRun {

  static final String DATABASE = "ferry_bench_pgl_" + ProcessHandle.current().pid();

  /** Seconds, rows in the target afterwards, and pgloader's last lines when it failed (null when it succeeded). */
  record Outcome(double seconds, long rows, String error) {
  }

  private final SqlServerBenchData source;
  private final BenchData target;
  private final String targetBase;

  PgLoaderRun(SqlServerBenchData source, BenchData target, String host, int port, String user) {
    this.source = source;
    this.target = target;
    this.targetBase = "postgresql://" + user + "@" + host + ":" + port + "/";
  }

  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/pgloader"))
        || System.getenv("PATH") != null && List.of(System.getenv("PATH").split(":")).stream()
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "pgloader")));
  }

  Outcome run(String table) throws Exception {
    try (Connection admin = target.connect("postgres"); Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DATABASE);
    }
    String host = hostPort(source.url());
    Path load = Files.createTempFile("ferry-bench-pgloader-", ".load");
    // The password is in the load file (0600, deleted at once), not on a command line others can read.
    Files.writeString(load, """
        LOAD DATABASE
          FROM mssql://%s:%s@%s/%s
          INTO %s%s
          WITH create no indexes, no foreign keys, create tables, include drop
          INCLUDING ONLY TABLE NAMES LIKE '%s' IN SCHEMA 'dbo';
        """.formatted(encode(source.user()), encode(source.password()), host, SqlServerBenchData.DATABASE, targetBase, DATABASE, table));
    long started = System.nanoTime();
    Process p = new ProcessBuilder("pgloader", load.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = p.waitFor(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - started) / 1e9;
    Files.deleteIfExists(load);
    long rows = rows(table);
    boolean failed = !ended || p.exitValue() != 0 || output.contains("ERROR") || rows < 0;
    return new Outcome(seconds, rows, failed ? lastLines(output) : null);
  }

  private long rows(String table) throws SQLException {
    try (Connection c = target.connect(DATABASE); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM dbo." + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException missing) {
      return -1;
    }
  }

  void drop() throws SQLException {
    try (Connection admin = target.connect("postgres"); Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
  }

  private static String lastLines(String output) {
    List<String> lines = output.lines().filter(l -> l.contains("ERROR") || l.contains("FATAL")).toList();
    return String.join(" / ", lines.isEmpty() ? output.lines().toList().subList(Math.max(0, (int) output.lines().count() - 3),
        (int) output.lines().count()) : lines);
  }

  /** host:port of a {@code jdbc:sqlserver://host:port;…} URL. */
  static String hostPort(String url) {
    String rest = url.substring("jdbc:sqlserver://".length());
    int end = rest.indexOf(';');
    String hp = end < 0 ? rest : rest.substring(0, end);
    return hp.contains(":") ? hp : hp + ":1433";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String describe(Outcome o) {
    return o.error() == null ? String.format(java.util.Locale.ROOT, "%.1f", o.seconds()) : "failed: " + o.error();
  }

}
