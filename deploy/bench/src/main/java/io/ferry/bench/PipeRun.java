package io.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The baseline: {@code psql … COPY (SELECT …) TO STDOUT (FORMAT binary) | psql … COPY … FROM STDIN
 * (FORMAT binary)} pipes over the same key ranges, {@code parallelism} at a time, then the same primary
 * key and ANALYZE that Ferry's finish does — equal work, so the ratio compares the data paths.
 */
final class PipeRun {

  private final BenchData data;
  private final String psqlArgs;

  PipeRun(BenchData data, String host, int port, String user) {
    this.data = data;
    this.psqlArgs = "-X -q -v ON_ERROR_STOP=1 -h " + host + " -p " + port + " -U " + user;
  }

  /** Seconds of the pipes, and of the primary key and ANALYZE after them. */
  record Timing(double copySeconds, double finishSeconds) {
    double seconds() {
      return copySeconds + finishSeconds;
    }
  }

  /** Copies {@code table} into {@code pipe.table} over {@code ranges}. */
  Timing run(String table, List<long[]> ranges, int parallelism) throws Exception {
    data.clearBefore("pipe", table);
    try (Connection src = data.connect(BenchData.SOURCE); Connection dst = data.connect(BenchData.TARGET);
         Statement s = src.createStatement(); Statement d = dst.createStatement()) {
      // Same columns and types as the source, no key or index yet (as Ferry's prepare does).
      var rs = s.executeQuery("SELECT string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) "
          + "FROM pg_attribute WHERE attrelid = 'public." + table + "'::regclass AND attnum > 0 AND NOT attisdropped");
      rs.next();
      d.execute("CREATE TABLE pipe." + table + " (" + rs.getString(1) + ")");
    }
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (long[] range : ranges) {
        futures.add(pool.submit(() -> {
          pipe(table, range);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long copied = System.nanoTime();
    try (Connection c = data.connect(BenchData.TARGET); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE pipe." + table + " ADD PRIMARY KEY (id)");
      st.execute("ANALYZE pipe." + table);
    }
    return new Timing((copied - started) / 1e9, (System.nanoTime() - copied) / 1e9);
  }

  /** range: {lower, upper} with Long.MIN_VALUE / Long.MAX_VALUE for open ends. */
  private void pipe(String table, long[] range) throws IOException, InterruptedException {
    String where = UnitRanges.where(range);
    String out = "psql " + psqlArgs + " -d " + BenchData.SOURCE + " -c \"COPY (SELECT * FROM public." + table + where
        + ") TO STDOUT (FORMAT binary)\"";
    String in = "psql " + psqlArgs + " -d " + BenchData.TARGET + " -c \"COPY pipe." + table + " FROM STDIN (FORMAT binary)\"";
    Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", out + " | " + in).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("pipe for " + table + " " + where + " failed: " + output);
    }
  }

  long targetRows(String table) throws SQLException {
    try (Connection c = data.connect(BenchData.TARGET); Statement st = c.createStatement();
         var rs = st.executeQuery("SELECT count(*) FROM pipe." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
