package io.ferry.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Work on the server during a measured copy, Ferry's and the pipes' alike, as a production server is never
 * idle ({@code --background-load}): {@code checkpoint} runs {@code CHECKPOINT} in the target database
 * once a second, so the copy's dirty pages are written out under it; {@code vacuum} runs
 * {@code VACUUM (DISABLE_PAGE_SKIPPING)} of the source database over and over, so every table's pages
 * are read (and the copied one's compete with the copy). {@link ServerCpu} leaves its backend's CPU out of
 * the copy's (what its CHECKPOINTs make the checkpointer write stays in: that is the load).
 */
final class BackgroundLoad implements AutoCloseable {

  private final Thread thread;
  private final Connection connection;
  private final long backendPid;
  private volatile boolean stopped;
  private int rounds;

  private BackgroundLoad(Thread thread, Connection connection, long backendPid) {
    this.thread = thread;
    this.connection = connection;
    this.backendPid = backendPid;
  }

  /** The process id of the load's backend (-1: no load). */
  long backendPid() {
    return backendPid;
  }

  /** Starts {@code kind} ({@code none}, {@code checkpoint} or {@code vacuum}); {@code none} does nothing. */
  static BackgroundLoad start(BenchData data, String kind) throws SQLException {
    if (kind.equals("none")) {
      return new BackgroundLoad(null, null, -1);
    }
    String database = kind.equals("vacuum") ? BenchData.SOURCE : BenchData.TARGET;
    String sql = switch (kind) {
      case "checkpoint" -> "CHECKPOINT";
      case "vacuum" -> "VACUUM (DISABLE_PAGE_SKIPPING)";
      default -> throw new IllegalArgumentException("--background-load is none, checkpoint or vacuum, not " + kind);
    };
    Connection c = data.connect(database);
    long pid;
    try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getLong(1);
    }
    BackgroundLoad[] self = new BackgroundLoad[1];
    Thread t = new Thread(() -> self[0].loop(sql, kind.equals("checkpoint") ? 1000 : 0), "background-load");
    t.setDaemon(true);
    self[0] = new BackgroundLoad(t, c, pid);
    t.start();
    return self[0];
  }

  private void loop(String sql, long pauseMillis) {
    try (Statement st = connection.createStatement()) {
      while (!stopped) {
        st.execute(sql);
        rounds++;
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
    } catch (SQLException e) {
      if (!stopped) {
        System.out.println("background load stopped: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What ran, for the log: e.g. "12 × CHECKPOINT". */
  String describe() {
    return thread == null ? "none" : String.format(Locale.ROOT, "%d rounds", rounds);
  }

  @Override
  public void close() throws Exception {
    if (thread == null) {
      return;
    }
    stopped = true;
    // A VACUUM of the whole database may take a while: cancel it rather than wait.
    try (Statement cancel = connection.createStatement()) {
      cancel.cancel();
    } catch (SQLException ignored) {
      // it ended meanwhile
    }
    thread.join(30_000);
    connection.close();
  }
}
