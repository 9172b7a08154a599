package io.ferry.deploy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The ahead-of-time cache of one role (coordinator or worker) on JDK 25 or newer (JEP 483, 514, 515): the
 * classes a training run loaded and linked, and its methods' profiles. A process started with it skips
 * most of its class loading and reaches compiled code sooner, so a fresh cluster's first job pays less of
 * the JVM's warm-up. The same file names are used by {@code deploy/bin/ferry}.
 *
 * <p>A cache is valid only for the jar it was trained with: a JVM given a stale or foreign one ignores it
 * (its messages about that are turned off) and runs as without. Before JDK 25 no flag is added.
 */
public final class AotCache {

  /** The first JDK whose {@code -XX:AOTCacheOutput} trains in one run and whose caches hold method profiles. */
  static final int FIRST_JDK = 25;

  private final Path dir;

  /** @param dir where the caches live: {@code ferry-coordinator.aot}, {@code ferry-worker.aot} */
  public AotCache(Path dir) {
    this.dir = dir;
  }

  /** Whether this JVM (and so the processes a {@link ProcessCluster} starts with it) can use a cache. */
  public static boolean supported() {
    return Runtime.version().feature() >= FIRST_JDK;
  }

  public Path file(String role) {
    return dir.resolve("ferry-" + role + ".aot");
  }

  /** The role's cache exists and is newer than the jar: a training run wrote it for this build. */
  public boolean current(String role, Path jar) {
    try {
      Path cache = file(role);
      return Files.isRegularFile(cache) && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flags that use the role's cache if there is one. */
  public List<String> useFlags(String role) {
    if (!supported() || !Files.isRegularFile(file(role))) {
      return List.of();
    }
    return List.of("-XX:AOTCache=" + file(role), "-Xlog:aot=off", "-Xlog:cds=off");
  }

  /**
   * Flags of a training run: the JVM records what it loads and profiles and writes the cache when it
   * exits (after SIGTERM too), which takes it a few more seconds, beside the cache in use: {@link #install}
   * puts it in place once the process has ended, so a process killed while writing leaves no broken cache.
   * One process per role may train at a time.
   */
  public List<String> trainFlags(String role) {
    if (!supported()) {
      return List.of();
    }
    return List.of("-XX:AOTCacheOutput=" + training(role), "-Xlog:aot=off", "-Xlog:cds=off");
  }

  /** After the training processes ended: the caches they wrote replace the role's; returns the roles installed. */
  public List<String> install() {
    try {
      List<String> installed = new java.util.ArrayList<>();
      for (String role : List.of("coordinator", "worker")) {
        if (Files.isRegularFile(training(role))) {
          Files.move(training(role), file(role), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          installed.add(role);
        }
      }
      return installed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path training(String role) {
    return dir.resolve("ferry-" + role + ".aot.training");
  }
}
