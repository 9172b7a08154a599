package io.ferry.deploy.it;

import io.ferry.deploy.cluster.ProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Machines on one machine: a Linux network namespace per name, each with one veth link to a bridge in the
 * root namespace, all on a private {@code 10.231.N.0/24} (the bridge {@code .1}, the hosts {@code .2} on).
 * A process started in a namespace has only its loopback and that link: it reaches the others, and
 * whatever listens on the bridge address, only over the network, never over a shared loopback.
 *
 * <p>The names carry this JVM's pid, so runs on one machine never clash, and a later run removes what a
 * killed one left behind. Needs root and iproute2 ({@code ip}).
 */
final class NetworkNamespaces implements AutoCloseable {

  private static final String PREFIX = "ferry-it-";
  /** The bridge's name: this prefix and the pid in base 36 (an interface name has at most 15 characters). */
  private static final String BRIDGE_PREFIX = "ferrybr";
  /** Serialises picking a free subnet across the test JVMs of this machine. */
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "ferry-netns.lock");

  private final String tag = Long.toString(ProcessHandle.current().pid(), 36);
  private final String bridge = BRIDGE_PREFIX + tag;
  private final Map<String, String> namespaces = new LinkedHashMap<>();
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Thread cleanup = new Thread(this::removeQuietly, "netns-cleanup");
  private String subnet;

  private NetworkNamespaces() {
  }

  /**
   * Creates a namespace per name ({@code [a-z0-9]}, at most 4 characters: they end interface names) and the
   * bridge joining them. On any failure what was created is removed again.
   */
  static NetworkNamespaces create(String... names) {
    requireRootAndIproute();
    NetworkNamespaces network = new NetworkNamespaces();
    Runtime.getRuntime().addShutdownHook(network.cleanup);
    try {
      network.build(List.of(names));
      return network;
    } catch (RuntimeException | Error e) {
      network.removeQuietly();
      throw e;
    }
  }

  /** The root namespace's address on the bridge: where a namespace reaches this JVM. */
  String bridgeAddress() {
    return subnet + ".1";
  }

  /** The address of the namespace {@code name}. */
  String address(String name) {
    return require(addresses, name);
  }

  List<String> addresses() {
    return List.copyOf(addresses.values());
  }

  /** A process host in the namespace {@code name}: its address, and {@code ip netns exec} as its launcher. */
  ProcessCluster.Host host(String name) {
    return ProcessCluster.Host.at(address(name), List.of("ip", "netns", "exec", require(namespaces, name)));
  }

  /** Takes the namespace's link down at the bridge: a network partition; its processes run on, cut off. */
  void cut(String name) {
    ip("link", "set", veth(name), "down");
  }

  /** Brings the link back up. */
  void heal(String name) {
    ip("link", "set", veth(name), "up");
  }

  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) anyway
    }
  }

  private void build(List<String> names) {
    try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock ignored = channel.lock()) {
      removeLeftovers();
      subnet = freeSubnet();
      ip("link", "add", bridge, "type", "bridge");
      ip("addr", "add", bridgeAddress() + "/24", "dev", bridge);
      ip("link", "set", bridge, "up");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + LOCK, e);
    }
    int host = 2;
    for (String name : names) {
      if (!name.matches("[a-z0-9]{1,4}")) {
        throw new IllegalArgumentException("namespace name " + name + ": 1 to 4 of [a-z0-9]");
      }
      String namespace = PREFIX + ProcessHandle.current().pid() + "-" + name;
      String address = subnet + "." + host++;
      ip("netns", "add", namespace);
      namespaces.put(name, namespace);
      String peer = "fp" + tag + name;
      ip("link", "add", veth(name), "type", "veth", "peer", "name", peer);
      ip("link", "set", veth(name), "master", bridge);
      ip("link", "set", veth(name), "up");
      ip("link", "set", peer, "netns", namespace);
      ip("-n", namespace, "addr", "add", address + "/24", "dev", peer);
      ip("-n", namespace, "link", "set", peer, "up");
      ip("-n", namespace, "link", "set", "lo", "up");
      addresses.put(name, address);
    }
  }

  /** The root namespace's end of the namespace's link, on the bridge. */
  private String veth(String name) {
    require(namespaces, name);
    return "fv" + tag + name;
  }

  /** A {@code 10.231.N} no interface of this machine has an address in, N drawn at random. */
  private static String freeSubnet() {
    String used = ip("-o", "-4", "addr", "show") + ip("-4", "route", "show");
    List<Integer> candidates = new ArrayList<>();
    for (int n = 0; n < 256; n++) {
      candidates.add(n);
    }
    Collections.shuffle(candidates);
    for (int n : candidates) {
      if (!used.contains("10.231." + n + ".")) {
        return "10.231." + n;
      }
    }
    throw new IllegalStateException("no free 10.231.N.0/24 on this machine");
  }

  /** Namespaces and bridges of test JVMs that ended without removing them (killed). */
  private static void removeLeftovers() {
    for (String line : ip("netns", "list").split("\n")) {
      String namespace = line.split(" ")[0];
      if (namespace.startsWith(PREFIX) && !alive(namespace.substring(PREFIX.length()).split("-")[0], 10)) {
        tryIp("netns", "del", namespace);
      }
    }
    // "7: ferrybr2ihcw: <BROADCAST,…": the bridge outlives its namespaces when a run dies.
    for (String line : ip("-o", "link", "show", "type", "bridge").split("\n")) {
      String[] fields = line.split(":\\s+");
      if (fields.length > 1 && fields[1].startsWith(BRIDGE_PREFIX) && !alive(fields[1].substring(BRIDGE_PREFIX.length()), 36)) {
        tryIp("link", "del", fields[1]);
      }
    }
  }

  /** Whether the pid written in {@code radix} is a live process; true when it is no pid (not ours to remove). */
  private static boolean alive(String pid, int radix) {
    try {
      return ProcessHandle.of(Long.parseLong(pid, radix)).isPresent();
    } catch (NumberFormatException notOurs) {
      return true;
    }
  }

  /** Deleting a namespace deletes the veth pair with it; the bridge goes last. */
  private void removeQuietly() {
    for (String namespace : namespaces.values()) {
      tryIp("netns", "del", namespace);
    }
    namespaces.clear();
    if (subnet != null) {
      tryIp("link", "del", bridge);
      subnet = null;
    }
  }

  private static void requireRootAndIproute() {
    String uid;
    try {
      uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
          .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
    } catch (IOException e) {
      throw new IllegalStateException("MultiHostIT needs Linux (/proc/self/status unreadable): " + e.getMessage());
    }
    if (!uid.equals("0")) {
      throw new IllegalStateException("MultiHostIT needs root (it creates network namespaces, veth links and a bridge"
          + " with ip); this JVM runs as uid " + uid + ". Run the build as root, as CI does.");
    }
    try {
      ip("-V");
    } catch (IllegalStateException e) {
      throw new IllegalStateException("MultiHostIT needs iproute2 (the ip command): install it (apt-get install iproute2). "
          + e.getMessage());
    }
  }

  private static String require(Map<String, String> map, String name) {
    String value = map.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no namespace " + name + " (have " + map.keySet() + ")");
    }
    return value;
  }

  private static void tryIp(String... args) {
    try {
      ip(args);
    } catch (IllegalStateException alreadyGone) {
      // cleaning up: what is not there need not be removed
    }
  }

  /** Runs {@code ip} and returns its output; fails naming the command and what it said. */
  private static String ip(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    }
  }
}
