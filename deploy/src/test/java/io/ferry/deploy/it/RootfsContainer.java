package io.ferry.deploy.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an image's entrypoint in its unpacked root filesystem the way a container runtime does, with
 * util-linux instead of a container engine: a mount and PID namespace of its own (the process is PID 1
 * there), {@code /dev} and a fresh {@code /proc} mounted, {@code /etc/hosts} and {@code /etc/resolv.conf}
 * written, then {@code unshare --root} into the image's root, its working directory, as its user, with
 * exactly its environment. Nothing of the host's file system is visible to the process but {@code /dev}:
 * a file the image lacks fails the run. The network is the host's, so a test reaches the process's ports.
 * Needs root (to enter namespaces and mount).
 */
final class RootfsContainer {

  private final Path root;
  private final JsonNode config;

  RootfsContainer(Path root, JsonNode config) throws IOException {
    this.root = root;
    this.config = config;
    // What every runtime provides, not the image: mount points and name resolution files.
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
    Files.writeString(root.resolve("etc/hosts"),
        "127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName() + "\n::1 localhost\n");
    Path resolv = Path.of("/etc/resolv.conf");
    Files.writeString(root.resolve("etc/resolv.conf"), Files.isReadable(resolv) ? Files.readString(resolv) : "");
  }

  /** Whether this process may run containers (root). */
  static boolean runsAsRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  /** Starts the entrypoint with {@code args} (the image's Cmd when empty) and {@code env} added to the image's; output to {@code log}. */
  Process start(List<String> args, List<String> env, Path log) throws IOException {
    List<String> argv = new ArrayList<>();
    config.get("Entrypoint").forEach(e -> argv.add(e.asText()));
    if (args.isEmpty()) {
      config.get("Cmd").forEach(e -> argv.add(e.asText()));
    } else {
      argv.addAll(args);
    }
    return exec(argv, env, log);
  }

  /** Starts {@code argv} instead of the entrypoint, as an orchestrator's health check command runs. */
  Process exec(List<String> argv, List<String> env, Path log) throws IOException {
    String[] user = config.get("User").asText().split(":");
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--pid", "--fork",
        "sh", "-c", "mount --rbind /dev \"$0/dev\" && mount -t proc proc \"$0/proc\" && exec \"$@\"", root.toString(),
        // env -i empties the environment: the second unshare goes by its absolute path.
        "/usr/bin/env", "-i"));
    config.get("Env").forEach(e -> command.add(e.asText()));
    command.addAll(env);
    command.addAll(List.of("/usr/bin/unshare", "--root=" + root, "--wd=" + config.get("WorkingDir").asText(),
        "--setgid", user.length > 1 ? user[1] : user[0], "--setuid", user[0], "--"));
    command.addAll(argv);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
