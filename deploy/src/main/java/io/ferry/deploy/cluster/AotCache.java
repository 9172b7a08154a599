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
 * <p>Training takes the two steps of JEP 483 (record at a run's exit, then create in a process of its own)
 * rather than {@code -XX:AOTCacheOutput}'s one, whose exit hands the creation to a child process that can
 * outlive it: whoever moves the cache into place could not tell when it is complete.
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
   * Flags of a training run: the JVM records what it loads and profiles and writes it to the role's AOT
   * configuration when it exits (after SIGTERM too); {@link #install} turns that into the cache once the
   * process has ended. One process per role may train at a time.
   */
  public List<String> trainFlags(String role) {
    if (!supported()) {
      return List.of();
    }
    return List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration(role), "-Xlog:aot=off", "-Xlog:cds=off");
  }

  /**
   * After the training processes ended: builds each role's cache from the configuration its training run
   * recorded ({@code java -XX:AOTMode=create}, a few seconds), beside the cache in use and then moved over
   * it, so a process starting meanwhile never maps a half-written cache. Returns the roles installed.
   */
  public List<String> install(Path jar) {
    try {
      List<String> installed = new java.util.ArrayList<>();
      for (String role : List.of("coordinator", "worker")) {
        if (!Files.isRegularFile(configuration(role))) {
          continue;
        }
        Process create = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:AOTMode=create",
            "-XX:AOTConfiguration=" + configuration(role), "-XX:AOTCache=" + training(role), "-Xlog:aot=off", "-Xlog:cds=off",
            "-cp", jar.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean built = create.waitFor() == 0 && Files.isRegularFile(training(role));
        Files.delete(configuration(role));
        if (built) {
          Files.move(training(role), file(role), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          installed.add(role);
        }
      }
      return installed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the AOT caches", e);
    }
  }

  private Path configuration(String role) {
    return dir.resolve("ferry-" + role + ".aotconf");
  }

  private Path training(String role) {
    return dir.resolve("ferry-" + role + ".aot.training");
  }
}
