package io.ferry.deploy.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags of a Ferry process by its role and the JDK it runs on: the ones {@code deploy/bin/ferry}
 * passes (it keeps the same list in bash; {@code LauncherTest} holds the two equal) and the ones a
 * {@link ProcessCluster} starts its processes with, so the benchmark and the demo run what operators run.
 * Every flag given to a JDK exists in it: JDK 21 gets only flags HotSpot has had for years.
 * docs/benchmarks.md, "First jobs", has the figures that chose them.
 */
public final class JvmFlags {

  private JvmFlags() {}

  /** @param role {@code coordinator}, {@code worker}, or a CLI command (which gets the common flags only) */
  public static List<String> of(String role, int jdk) {
    List<String> flags = new ArrayList<>();
    if (jdk >= 24) {
      // Hazelcast uses sun.misc.Unsafe's memory access, which JDK 24 and newer warn about unless allowed.
      flags.add("--sun-misc-unsafe-memory-access=allow");
    }
    switch (role) {
      // A control plane: C1's code is quick enough, and C2's compilations cost it more CPU than they save.
      case "coordinator" -> flags.add("-XX:TieredStopAtLevel=1");
      // One collector thread at a time on two cores shared with the databases, and a cheaper write barrier
      // than G1's on the per-row path; its young pauses at -Xmx512m are a few milliseconds.
      case "worker" -> flags.add("-XX:+UseSerialGC");
      default -> { }
    }
    return List.copyOf(flags);
  }

  /** The flags of this JVM's own JDK: a process a {@link ProcessCluster} starts runs the same {@code java}. */
  public static List<String> of(String role) {
    return of(role, Runtime.version().feature());
  }
}
