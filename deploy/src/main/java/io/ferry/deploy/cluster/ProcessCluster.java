package io.ferry.deploy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator and workers as real, separate JVM processes on loopback, started from the ferry jar.
 * The demo runs one; the cluster tests run one and kill its processes for real.
 */
public final class ProcessCluster implements AutoCloseable {

  private final Path jar;
  private final Path logDir;
  private final int httpPort;
  private final int clusterPort;
  /** Every process of this cluster gets it, so no other Ferry cluster on the machine can join this one. */
  private final String secret = UUID.randomUUID().toString();
  private final List<Process> processes = new ArrayList<>();
  private final Map<Process, Path> logs = new HashMap<>();
  private final Map<String, String> environment = new HashMap<>();
  private String logFormat;
  private String coordinatorHeap = "256m";
  private Process coordinator;
  private int workerCount;

  public ProcessCluster(Path jar, Path logDir) {
    this.jar = jar;
    this.logDir = logDir;
    this.httpPort = freePort();
    this.clusterPort = freePort();
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The jar this code runs from, when it runs from {@code ferry.jar}. */
  public static Path runningJar() {
    try {
      Path path = Path.of(ProcessCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!path.toString().endsWith(".jar")) {
        throw new IllegalStateException("not running from ferry.jar (" + path + "); build it with ./mvnw package");
      }
      return path;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public int clusterPort() {
    return clusterPort;
  }

  /** The cluster secret its processes share (tests check that it is never logged). */
  public String clusterSecret() {
    return secret;
  }

  public Path logDir() {
    return logDir;
  }

  /**
   * An environment variable for the processes started from now on: how a secret a job spec references
   * ({@code ${env:NAME}}) reaches them without showing in the process list.
   */
  public void environment(String name, String value) {
    environment.put(name, value);
  }

  /** The {@code --log-format} of the processes started from now on (null: their default, text). */
  public void logFormat(String format) {
    this.logFormat = format;
  }

  /** The {@code -Xmx} of coordinators started from now on (default 256m). */
  public void coordinatorHeap(String heap) {
    this.coordinatorHeap = heap;
  }

  public Process startCoordinator(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("coordinator", "--http-host", "127.0.0.1",
        "--http-port", String.valueOf(httpPort), "--cluster-host", "127.0.0.1",
        "--cluster-port", String.valueOf(clusterPort), "--join", "127.0.0.1:" + clusterPort,
        "--state-dir", logDir.resolve("coordinator-state").toString()));
    args.addAll(List.of(extraArgs));
    coordinator = start("coordinator", coordinatorHeap, args, secret);
    return coordinator;
  }

  public Process startWorker(int maxUnits) {
    return startWorker(maxUnits, secret);
  }

  /**
   * A worker that joins this cluster's address with its own cluster secret (null: none), as a
   * misconfigured or foreign process would: it must form a cluster of its own.
   */
  public Process startWorker(int maxUnits, String clusterSecret) {
    workerCount++;
    return start("worker-" + workerCount, "512m", List.of("worker", "--cluster-host", "127.0.0.1",
        "--cluster-port", "0", "--join", "127.0.0.1:" + clusterPort, "--max-units", String.valueOf(maxUnits)), clusterSecret);
  }

  public Process coordinator() {
    return coordinator;
  }

  /** The worker processes started so far that are still alive. */
  public List<Process> workers() {
    return processes.stream().filter(p -> p != coordinator && p.isAlive()).toList();
  }

  private Process start(String name, String heap, List<String> args, String clusterSecret) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx" + heap);
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    if (logFormat != null) {
      command.addAll(List.of("--log-format", logFormat));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
    // Through the environment, not a flag: a flag would show in the process list.
    builder.environment().putAll(environment);
    builder.environment().remove("FERRY_CLUSTER_SECRET");
    if (clusterSecret != null) {
      builder.environment().put("FERRY_CLUSTER_SECRET", clusterSecret);
    }
    try {
      Process process = builder.start();
      processes.add(process);
      logs.put(process, logDir.resolve(name + ".log"));
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** The log file of a process this cluster started (shared by restarts of the coordinator). */
  public Path logOf(Process process) {
    Path log = logs.get(process);
    if (log == null) {
      throw new IllegalArgumentException("process " + process.pid() + " was not started by this cluster");
    }
    return log;
  }

  /** kill -9: the process dies at once, mid-chunk, without a word to anyone. */
  public void kill(Process process) {
    signal(process, "KILL");
    waitFor(process, 10);
  }

  /** SIGSTOP: the process freezes (a hung JVM, a long GC pause, a VM migration) until {@link #cont}. */
  public void stop(Process process) {
    signal(process, "STOP");
  }

  /** SIGCONT: a stopped process carries on where it froze, unaware of the time that passed. */
  public void cont(Process process) {
    signal(process, "CONT");
  }

  /** SIGTERM: the polite stop a service manager or Kubernetes sends. Does not wait for the process to end. */
  public void terminate(Process process) {
    signal(process, "TERM");
  }

  /** Sends a signal with the {@code kill} command, as an operator would (Java itself can send only TERM and KILL). */
  private static void signal(Process process, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending " + signal, e);
    }
  }

  /** SIGKILL to every process at once, as a power cut would. */
  public void killAll() {
    processes.forEach(Process::destroyForcibly);
    processes.forEach(p -> waitFor(p, 10));
    processes.clear();
    coordinator = null;
  }

  /** SIGTERM to everything, workers first so they can release their units; then SIGKILL what is left. */
  @Override
  public void close() {
    // A process left stopped (SIGSTOP) by a failed test would ignore SIGTERM: wake everything first.
    processes.stream().filter(Process::isAlive).forEach(p -> {
      try {
        cont(p);
      } catch (RuntimeException ignored) {
        // it ended meanwhile
      }
    });
    List<Process> workersFirst = new ArrayList<>(processes);
    workersFirst.remove(coordinator);
    workersFirst.forEach(Process::destroy);
    workersFirst.forEach(p -> waitFor(p, 20));
    if (coordinator != null) {
      coordinator.destroy();
      waitFor(coordinator, 20);
    }
    processes.forEach(Process::destroyForcibly);
  }

  private static void waitFor(Process process, int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
