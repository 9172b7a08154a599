package io.ferry.deploy.it;

import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The processes of one integration test class: a coordinator and workers in JVMs of their own, started
 * from the built {@code ferry.jar} and logging under {@code target/it-logs/<class>}, where a failed run
 * leaves its evidence.
 */
final class ItCluster {

  private ItCluster() {
  }

  /** Starts a coordinator with these arguments and {@code workers} workers of {@code unitsPerWorker} units each. */
  static ProcessCluster start(Class<?> owner, int workers, int unitsPerWorker, String... coordinatorArgs) throws Exception {
    return start(owner, null, workers, unitsPerWorker, coordinatorArgs);
  }

  /** As {@link #start(Class, int, int, String...)}, every process logging in {@code logFormat} (null: text). */
  static ProcessCluster start(Class<?> owner, String logFormat, int workers, int unitsPerWorker, String... coordinatorArgs)
      throws Exception {
    ProcessCluster cluster = create(owner);
    cluster.logFormat(logFormat);
    cluster.startCoordinator(coordinatorArgs);
    for (int i = 0; i < workers; i++) {
      cluster.startWorker(unitsPerWorker);
    }
    return cluster;
  }

  /** A cluster with no process yet, logging under {@code target/it-logs/<class>}, for a class that places its own. */
  static ProcessCluster create(Class<?> owner) throws Exception {
    Path logs = Files.createDirectories(Path.of("target", "it-logs", owner.getSimpleName()));
    // A run again without a clean would find the last run's target registry, naming databases dropped
    // since (and private servers gone): the coordinator would try each at start-up, minutes on a busy machine.
    Path state = logs.resolve("coordinator-state");
    if (Files.exists(state)) {
      try (Stream<Path> files = Files.walk(state)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    return new ProcessCluster(Path.of(System.getProperty("ferry.jar")), logs);
  }

  /** A client of the cluster's API, once the coordinator is ready and {@code workers} workers have joined. */
  static ApiClient ready(ProcessCluster cluster, String token, int workers) throws Exception {
    ApiClient api = new ApiClient(cluster.apiUrl(), token);
    ClusterWait.ready(api, workers);
    return api;
  }

  /** Closes what a class opened, in order; what was never opened (a failed start) is null and skipped. */
  static void close(AutoCloseable... resources) throws Exception {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        resource.close();
      }
    }
  }
}
