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
 * (FORMAT binary)} pipes over the same key ranges, {@code parallelism} at a time, into the table state
 * Ferry's job loads into, then what Ferry's finish does there — equal work, so the ratio compares the
 * data paths: in {@code create} and {@code drop_recreate} a table without its key, then the primary key
 * and ANALYZE; in the other modes a table with its primary key (maintained during the load), then ANALYZE.
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

  /** Copies {@code table} into {@code pipe.table} over {@code ranges}, the table prepared as {@code mode} leaves it. */
  Timing run(String table, List<long[]> ranges, int parallelism, String mode) throws Exception {
    data.clearBefore("pipe", table);
    boolean keyFirst = BenchData.keyBeforeLoad(mode);
    data.createLike("pipe", table, keyFirst);
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
      if (!keyFirst) {
        st.execute("ALTER TABLE pipe." + table + " ADD PRIMARY KEY (id)");
      }
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
