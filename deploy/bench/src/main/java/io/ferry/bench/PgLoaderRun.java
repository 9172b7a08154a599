package io.ferry.bench;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * pgloader's SQL Server source (it reads through FreeTDS) copying one table into database
 * {@link #DATABASE} of the target server, timed from start to exit, and stopped after a time limit. Its
 * metadata query for indexes uses {@code REPLACE(sys.indexes.name, …)}, which Babelfish refuses ("Argument
 * data type sysname is invalid for argument 1 of replace function"), so the load runs
 * {@code WITH create no indexes, no foreign keys}: it copies rows only, and the figure leaves out the key
 * Ferry and the pipe build.
 */
final class PgLoaderRun {

  static final String DATABASE = "ferry_bench_pgl_" + ProcessHandle.current().pid();

  /**
   * Rows pgloader's reader may hold ahead of its writers. pgloader 3.6.9 as Debian builds it runs in a 1 GiB
   * SBCL heap; at its default of 100,000 rows the rows of {@code wide} (~1.6 kB in SQL Server, several times
   * that as Lisp strings and COPY text) exhaust it at 1.1 GB resident before a row reaches the target. 10,000
   * rows kept its peak at 558 MB resident on {@code wide} and cost {@code narrow} no measurable time.
   */
  static final int PREFETCH_ROWS = 10_000;

  /** Seconds, rows in the target afterwards, and how it failed or did not finish (null when it succeeded). */
  record Outcome(double seconds, long rows, String error) {
  }

  private final SqlServerBenchData source;
  private final BenchData target;
  private final String targetBase;
  private final int parallelism;
  private final Duration timeout;

  PgLoaderRun(SqlServerBenchData source, BenchData target, String host, int port, String user, int parallelism, Duration timeout) {
    this.source = source;
    this.target = target;
    this.targetBase = "postgresql://" + user + "@" + host + ":" + port + "/";
    this.parallelism = parallelism;
    this.timeout = timeout;
  }

  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/pgloader"))
        || System.getenv("PATH") != null && List.of(System.getenv("PATH").split(":")).stream()
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "pgloader")));
  }

  /**
   * The load command for one table at Ferry's parallelism. pgloader 3.6.9 reads an MS SQL table with one
   * {@code SELECT} (its grammar for MS SQL has no {@code multiple readers per thread} or {@code rows per range};
   * those are MySQL's), so the parallelism it can match is on the writing side: {@code concurrency} COPY
   * writers, and {@code workers} threads enough for them and the reader to run at once.
   */
  static String loadFile(String from, String into, String table, int parallelism) {
    return """
        LOAD DATABASE
          FROM %s
          INTO %s
          WITH create no indexes, no foreign keys, create tables, include drop,
               workers = %d, concurrency = %d, prefetch rows = %d
          INCLUDING ONLY TABLE NAMES LIKE '%s' IN SCHEMA 'dbo';
        """.formatted(from, into, parallelism + 1, parallelism, PREFETCH_ROWS, table);
  }

  /** {@code mssql://user:password@host:port/database}, user and password percent-encoded. */
  static String sourceUri(String user, String password, String hostPort, String database) {
    return "mssql://" + encode(user) + ":" + encode(password) + "@" + hostPort + "/" + database;
  }

  Outcome run(String table) throws Exception {
    try (Connection admin = target.connect("postgres"); Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DATABASE);
    }
    Path load = Files.createTempFile("ferry-bench-pgloader-", ".load");
    Path log = Files.createTempFile("ferry-bench-pgloader-", ".log");
    // The password is in the load file (0600, deleted at once), not on a command line others can read.
    Files.writeString(load, loadFile(sourceUri(source.user(), source.password(), hostPort(source.url()), SqlServerBenchData.DATABASE),
        targetBase + DATABASE, table, parallelism));
    long started = System.nanoTime();
    // Standard input is empty: when SBCL's heap runs out, its low-level debugger reads commands from it, and
    // on an open pipe it would wait for ever instead of exiting.
    Process p = new ProcessBuilder("pgloader", load.toString()).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - started) / 1e9;
    String stopped = ended ? null : stop(p);
    Files.deleteIfExists(load);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    long rows = rows(table);
    if (stopped != null) {
      return new Outcome(seconds, rows, String.format(Locale.ROOT, "did not finish in %d s (%s): %s", timeout.toSeconds(), stopped,
          reason(output)));
    }
    boolean failed = p.exitValue() != 0 || output.contains("ERROR") || output.contains("Heap exhausted") || rows < 0;
    return new Outcome(seconds, rows, failed ? "failed: " + reason(output) : null);
  }

  /** Kills pgloader after the time limit and says how far it got: CPU seconds and resident memory. */
  private static String stop(Process p) throws InterruptedException {
    String cpu = p.info().totalCpuDuration().map(d -> String.format(Locale.ROOT, "%.1f CPU s", d.toMillis() / 1e3)).orElse("CPU unknown");
    String rss = residentMegabytes(p.pid());
    p.destroyForcibly();
    p.waitFor();
    return cpu + ", " + rss;
  }

  private static String residentMegabytes(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 + " MB resident").findFirst().orElse("resident unknown");
    } catch (IOException | NumberFormatException unknown) {
      return "resident unknown";
    }
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

  /** Why a run failed, from pgloader's output: SBCL's heap, else its ERROR and FATAL lines, else its last lines. */
  static String reason(String output) {
    List<String> lines = output.lines().toList();
    if (output.contains("Heap exhausted")) {
      return "SBCL's heap exhausted (" + lines.stream().filter(l -> l.startsWith("Tot ")).map(l -> l.replaceAll(".*\\[", "["))
          .findFirst().orElse("no heap summary") + ")";
    }
    List<String> errors = lines.stream().filter(l -> l.contains("ERROR") || l.contains("FATAL")).toList();
    return String.join(" / ", errors.isEmpty() ? lines.subList(Math.max(0, lines.size() - 3), lines.size()) : errors);
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
}
