package io.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * CPU seconds of the PostgreSQL server during one copy, Ferry's or the pipes': every process of the
 * server (postmaster, backends, checkpointer, WAL writer, autovacuum), the ended ones too — a backend that
 * exits is reaped by the postmaster, whose {@code cutime + cstime} then hold its CPU — read from
 * {@code /proc} at the start and at the end, less what the {@link BackgroundLoad}'s backend used. On a
 * server shared with other work that work counts too: take the record on a quiet one. Only for a server on
 * this machine (the default, 127.0.0.1); elsewhere, or without the right to read {@code /proc}, -1.
 */
final class ServerCpu {

  private static final double TICKS_PER_SECOND = 100.0;

  private final long postmaster;
  private final long excluded;
  private final long startTicks;

  private ServerCpu(long postmaster, long excluded) {
    this.postmaster = postmaster;
    this.excluded = excluded;
    this.startTicks = postmaster < 0 ? -1 : ticks();
  }

  /**
   * Reads the server's CPU so far.
   *
   * @param load the background load running during the copy: its backend's CPU is left out
   */
  static ServerCpu start(BenchData data, BackgroundLoad load) throws SQLException {
    return new ServerCpu(postmaster(data), load.backendPid());
  }

  /** The server's CPU seconds since {@link #start}, or -1 where they cannot be read. */
  double stop() {
    if (startTicks < 0) {
      return -1;
    }
    long end = ticks();
    return end < 0 ? -1 : (end - startTicks) / TICKS_PER_SECOND;
  }

  /** The postmaster: the parent of this connection's backend, if that backend runs on this machine. */
  private static long postmaster(BenchData data) throws SQLException {
    try (Connection c = data.connect("postgres"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      String[] f = fields(rs.getLong(1));
      return f == null ? -1 : Long.parseLong(f[1]);
    }
  }

  /** All the server's ticks: its live processes', its ended children's, less the excluded backend's. */
  private long ticks() {
    String[] master = fields(postmaster);
    if (master == null) {
      return -1;
    }
    long ticks = Long.parseLong(master[11]) + Long.parseLong(master[12]) + Long.parseLong(master[13]) + Long.parseLong(master[14]);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        long pid = Long.parseLong(p.getFileName().toString());
        String[] f = fields(pid);
        if (f != null && Long.parseLong(f[1]) == postmaster && pid != excluded) {
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks;
  }

  /** The fields of {@code /proc/<pid>/stat} after the command name (state first, ppid second), or null. */
  private static String[] fields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
