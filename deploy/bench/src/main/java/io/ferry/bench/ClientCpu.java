package io.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU seconds spent by each side's client processes, to show where a 2-core machine's time went besides
 * the PostgreSQL backends (which both sides share): Ferry's coordinator and workers (their CPU time as the
 * OS reports it), and the pipes' psql processes — children of this process that have ended, counted by the
 * kernel in this process' {@code cutime + cstime} ({@code /proc/self/stat}). -1 where the OS does not say.
 */
final class ClientCpu {

  private static final double TICKS_PER_SECOND = 100.0;

  private ClientCpu() {
  }

  /** Total CPU seconds of the given live processes so far. */
  static double of(List<Process> processes) {
    double seconds = 0;
    for (Process p : processes) {
      Duration cpu = p.info().totalCpuDuration().orElse(null);
      if (cpu == null) {
        return -1;
      }
      seconds += cpu.toNanos() / 1e9;
    }
    return seconds;
  }

  /**
   * CPU seconds so far of the JIT compiler threads ({@code C1 CompilerThread…}, {@code C2 CompilerThread…})
   * of the given live processes, read per thread from {@code /proc/<pid>/task}; -1 where the OS does not
   * say. A compiler thread that HotSpot has retired since (it adds and removes them with the queue) takes
   * its CPU with it, so this is a lower bound.
   */
  static double compilers(List<Process> processes) {
    return compilersOf(processes.stream().map(Process::pid).toList());
  }

  /** {@link #compilers} of the processes with these ids. */
  static double compilersOf(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks.toList()) {
          ticks += compilerTicks(task.resolve("stat"));
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** The thread's user + system ticks if its name (truncated to 15 characters by Linux) is a compiler's, else 0. */
  private static long compilerTicks(Path stat) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return 0; // the thread ended while the directory was listed
    }
    String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
    if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
      return 0;
    }
    String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * CPU seconds of this process' ended (waited-for) children and their descendants. Linux reports it in
   * clock ticks, 100 per second on every common kernel configuration.
   */
  static double endedChildren() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name (which is in parentheses and may hold spaces): state is field 3.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The machine's 1-minute load average ({@code /proc/loadavg}), "?" where the OS does not say. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
