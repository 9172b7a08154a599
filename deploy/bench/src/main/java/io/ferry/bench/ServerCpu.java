package io.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU seconds of the PostgreSQL backends that served one copy, Ferry's or the pipes': every backend
 * connected to the benchmark's two databases (but this sampler's own and {@link BackgroundLoad}'s) is
 * read from {@code /proc/<pid>/stat} every half second, and its growth over the copy is summed. A backend
 * that ends between two samples loses at most its last half second. Only for a server on this machine
 * (the default, 127.0.0.1); elsewhere, or without the right to read {@code /proc}, it reports -1.
 */
final class ServerCpu implements AutoCloseable {

  private static final double TICKS_PER_SECOND = 100.0;
  private static final long PERIOD_MILLIS = 500;

  private final Connection connection;
  private final Map<Long, Long> first = new HashMap<>();
  private final Map<Long, Long> last = new HashMap<>();
  private final Thread thread;
  private volatile boolean stopped;
  private volatile boolean unreadable;

  private ServerCpu(Connection connection) {
    this.connection = connection;
    this.thread = new Thread(this::loop, "server-cpu");
    this.thread.setDaemon(true);
  }

  /** Starts sampling; the backends already connected count from now. */
  static ServerCpu start(BenchData data) throws SQLException {
    ServerCpu cpu = new ServerCpu(data.connect("postgres"));
    cpu.sample(true);
    cpu.thread.start();
    return cpu;
  }

  private void loop() {
    while (!stopped) {
      try {
        Thread.sleep(PERIOD_MILLIS);
        sample(false);
      } catch (InterruptedException e) {
        return;
      } catch (SQLException e) {
        unreadable = true;
        return;
      }
    }
  }

  private synchronized void sample(boolean start) throws SQLException {
    try (Statement st = connection.createStatement();
         ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname IN ('" + BenchData.SOURCE + "', '"
             + BenchData.TARGET + "') AND pid <> pg_backend_pid() AND application_name <> '" + BackgroundLoad.APPLICATION + "'")) {
      while (rs.next()) {
        long pid = rs.getLong(1);
        long ticks = ticks(pid);
        if (ticks < 0) {
          continue;
        }
        // A backend that appears after the start counts from zero: all its CPU went to this copy.
        first.putIfAbsent(pid, start ? ticks : 0L);
        last.put(pid, ticks);
      }
    }
  }

  private long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      unreadable = unreadable || !Files.exists(Path.of("/proc"));
      return -1;
    }
  }

  /** Stops sampling; the CPU seconds of the backends since the start, or -1 where they cannot be read. */
  double stop() throws SQLException, InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(5000);
    sample(false);
    if (unreadable || last.isEmpty()) {
      return -1;
    }
    long ticks = 0;
    for (Map.Entry<Long, Long> e : last.entrySet()) {
      ticks += e.getValue() - first.get(e.getKey());
    }
    return ticks / TICKS_PER_SECOND;
  }

  @Override
  public void close() throws SQLException {
    stopped = true;
    thread.interrupt();
    connection.close();
  }
}
