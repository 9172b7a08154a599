package io.ferry.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The baseline of a verification: a plain {@code SELECT count(*)} of each key range on the source and then on
 * the target, as a verify unit reads its range on one side and then the other, {@code parallelism} ranges at
 * a time, each stream on a source and a target connection opened before the clock starts. PostgreSQL plans
 * each count as it likes (an index-only scan of the key where the visibility map allows it).
 */
final class CountRun {

  private final BenchData data;

  CountRun(BenchData data) {
    this.data = data;
  }

  /** Seconds to count every range on both sides; fails unless both sides counted {@code rows}. */
  double run(String table, List<long[]> ranges, int parallelism, long rows) throws Exception {
    BlockingQueue<Connection[]> streams = new ArrayBlockingQueue<>(parallelism);
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      for (int i = 0; i < parallelism; i++) {
        streams.add(new Connection[] {data.connect(BenchData.SOURCE), data.connect(BenchData.TARGET)});
      }
      long started = System.nanoTime();
      List<Future<long[]>> counts = new ArrayList<>();
      for (long[] range : ranges) {
        counts.add(pool.submit(() -> {
          Connection[] stream = streams.take();
          try {
            return new long[] {count(stream[0], "public." + table, range), count(stream[1], "bench." + table, range)};
          } finally {
            streams.add(stream);
          }
        }));
      }
      long[] total = new long[2];
      for (Future<long[]> f : counts) {
        total[0] += f.get()[0];
        total[1] += f.get()[1];
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      if (total[0] != rows || total[1] != rows) {
        throw new IllegalStateException("count(*) of " + table + " found " + total[0] + " source and " + total[1]
            + " target rows, the verify job " + rows);
      }
      return seconds;
    } finally {
      pool.shutdown();
      for (Connection[] stream : streams) {
        stream[0].close();
        stream[1].close();
      }
    }
  }

  private static long count(Connection c, String table, long[] range) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + UnitRanges.where(range))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
