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
 * A coordinator and workers as real, separate JVM processes, started from the ferry jar: on loopback, or
 * each on a {@link Host} of its own. The demo runs one; the cluster tests run one and kill its processes
 * for real.
 */
public final class ProcessCluster implements AutoCloseable {

  /**
   * Where a process runs: the address the others reach it at, the address it binds ({@code 0.0.0.0}: every
   * interface), and the command its {@code java} runs under (none, or e.g. {@code ip netns exec NAME}
   * to put it in a network namespace of its own).
   */
  public record Host(String address, String bind, List<String> launcher) {

    /** This machine's loopback: every process of the demo and of most tests. */
    public static final Host LOOPBACK = new Host("127.0.0.1", "127.0.0.1", List.of());

    public Host {
      launcher = List.copyOf(launcher);
    }

    /** Binds {@code address} and is reached there. */
    public static Host at(String address, List<String> launcher) {
      return new Host(address, address, launcher);
    }

    /** The same host binding every interface, still reached at {@link #address}. */
    public Host bindingEveryInterface() {
      return new Host(address, "0.0.0.0", launcher);
    }

    /** {@code --cluster-host}, and {@code --cluster-public-host} where the two addresses differ. */
    List<String> clusterArgs() {
      return bind.equals(address) ? List.of("--cluster-host", bind)
          : List.of("--cluster-host", bind, "--cluster-public-host", address);
    }
  }

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
  private AotCache aot;
  private boolean training;
  private String coordinatorHeap = "256m";
  private Process coordinator;
  private Host coordinatorHost = Host.LOOPBACK;
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

  /** The coordinator's API, at the address of the host it was last started on. */
  public String apiUrl() {
    return "http://" + coordinatorHost.address() + ":" + httpPort;
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

  /**
   * Processes started from now on use the {@link AotCache} of their role, or with {@code train} write it
   * when they exit (the coordinator and the first worker only: one writer per file).
   */
  public void aot(AotCache cache, boolean train) {
    this.aot = cache;
    this.training = train;
  }

  /** The {@code -Xmx} of coordinators started from now on (default 256m). */
  public void coordinatorHeap(String heap) {
    this.coordinatorHeap = heap;
  }

  public Process startCoordinator(String... extraArgs) {
    return startCoordinator(Host.LOOPBACK, extraArgs);
  }

  /** The coordinator on {@code host}: its API and cluster port there, joining itself at that address. */
  public Process startCoordinator(Host host, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("coordinator", "--http-host", host.bind(),
        "--http-port", String.valueOf(httpPort)));
    args.addAll(host.clusterArgs());
    args.addAll(List.of("--cluster-port", String.valueOf(clusterPort), "--join", host.address() + ":" + clusterPort,
        "--state-dir", logDir.resolve("coordinator-state").toString()));
    args.addAll(List.of(extraArgs));
    coordinatorHost = host;
    coordinator = start("coordinator", coordinatorHeap, host, args, secret);
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
    return launchWorker(Host.LOOPBACK, maxUnits, clusterSecret);
  }

  /** A worker on {@code host}, joining the coordinator at the address of the host it was started on. */
  public Process startWorker(Host host, int maxUnits, String... extraArgs) {
    return launchWorker(host, maxUnits, secret, extraArgs);
  }

  private Process launchWorker(Host host, int maxUnits, String clusterSecret, String... extraArgs) {
    workerCount++;
    List<String> args = new ArrayList<>(List.of("worker"));
    args.addAll(host.clusterArgs());
    args.addAll(List.of("--cluster-port", "0", "--join", coordinatorHost.address() + ":" + clusterPort,
        "--max-units", String.valueOf(maxUnits)));
    args.addAll(List.of(extraArgs));
    return start("worker-" + workerCount, "512m", host, args, clusterSecret);
  }

  public Process coordinator() {
    return coordinator;
  }

  /** The worker processes started so far that are still alive. */
  public List<Process> workers() {
    return processes.stream().filter(p -> p != coordinator && p.isAlive()).toList();
  }

  private Process start(String name, String heap, Host host, List<String> args, String clusterSecret) {
    List<String> command = new ArrayList<>(host.launcher());
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx" + heap);
    command.addAll(JvmFlags.of(role(name)));
    command.addAll(aotFlags(name));
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

  private List<String> aotFlags(String name) {
    if (aot == null) {
      return List.of();
    }
    if (!training) {
      return aot.useFlags(role(name));
    }
    return name.equals("coordinator") || name.equals("worker-1") ? aot.trainFlags(role(name)) : List.of();
  }

  private static String role(String name) {
    return name.equals("coordinator") ? "coordinator" : "worker";
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
    // A training JVM writes its AOT cache on the way out, which takes longer on a busy machine.
    int seconds = training ? 120 : 20;
    workersFirst.forEach(p -> waitFor(p, seconds));
    if (coordinator != null) {
      coordinator.destroy();
      waitFor(coordinator, seconds);
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
