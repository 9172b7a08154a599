package io.ferry.deploy.cli;

import io.ferry.coordinator.CoordinatorCluster;
import io.ferry.coordinator.CoordinatorOptions;
import io.ferry.coordinator.CoordinatorVerticle;
import io.ferry.coordinator.schedule.RetryPolicy;
import io.ferry.deploy.cluster.ClusterNode;
import io.ferry.deploy.cluster.ClusterOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = {"Run the coordinator: HTTP API, dashboard, job state, scheduler.",
        "Every flag can also be set as an environment variable FERRY_<FLAG> (e.g. FERRY_HTTP_PORT).",
        "Exit codes: 0 stopped on request (SIGTERM, Ctrl-C), 1 could not start, 2 usage."})
public final class CoordinatorCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorCommand.class);

  /** How long a stop (SIGTERM) may take to leave the cluster; a supervisor's grace must exceed it. */
  public static final int STOP_SECONDS = 20;

  /** Also where {@link io.ferry.deploy.HealthProbe} looks when FERRY_HTTP_PORT is not set. */
  public static final String DEFAULT_HTTP_PORT = "8080";

  @Option(names = "--http-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = {"Address of the HTTP API; 0.0.0.0 serves other machines and needs --api-token.", "Default: ${DEFAULT-VALUE}."})
  String httpHost;

  @Option(names = "--http-port", defaultValue = DEFAULT_HTTP_PORT, paramLabel = "PORT",
      description = "Port of the HTTP API and dashboard (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--cluster-port", defaultValue = "5701", paramLabel = "PORT",
      description = "Cluster port; workers join it (default: ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--state-dir", defaultValue = "ferry-data", paramLabel = "DIR",
      description = "Where the coordinator keeps the list of targets it has jobs in (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--lease-timeout", defaultValue = "10s", paramLabel = "DURATION",
      description = "How long a worker's claim on a unit lasts without a heartbeat (default: ${DEFAULT-VALUE}).")
  String leaseTimeout;

  @Option(names = "--chunk-rows", defaultValue = "50000", paramLabel = "N",
      description = {"Rows per chunk transaction of a copy unit (default: ${DEFAULT-VALUE}).",
          "Each chunk commits with its checkpoint: smaller chunks redo less after a crash and stop sooner on pause,"
              + " larger ones commit less often."})
  long chunkRows;

  @Option(names = "--max-attempts", defaultValue = "" + RetryPolicy.DEFAULT_MAX_ATTEMPTS, paramLabel = "N",
      description = "Claims of a work unit before a retryable failure (dropped connection, database restart)"
          + " fails it for good (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--retry-budget", defaultValue = "10m", paramLabel = "DURATION",
      description = "How long a work unit keeps retrying from its first failure in a row before it fails with the"
          + " cause (default: ${DEFAULT-VALUE}). Waits grow from 1 s to 30 s with jitter.")
  String retryBudget;

  @Option(names = "--api-token", paramLabel = "TOKEN",
      description = "Require 'Authorization: Bearer TOKEN' on /api (env FERRY_API_TOKEN).")
  String apiToken;

  @Option(names = "--insecure-no-auth",
      description = "Serve the API on a non-loopback --http-host without an API token: anyone who reaches the port can submit, cancel and roll back jobs.")
  boolean insecureNoAuth;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    log.apply();
    String token = blankToNull(apiToken);
    CoordinatorOptions options;
    ClusterOptions clusterOptions;
    try {
      clusterOptions = cluster.options(clusterPort, false);
      HttpExposure.check(httpHost, token != null, insecureNoAuth);
      options = new CoordinatorOptions(httpHost, httpPort, stateDir, Durations.parse("--lease-timeout", leaseTimeout).toMillis(),
          new RetryPolicy(maxAttempts, Durations.parse("--retry-budget", retryBudget).toMillis()), token, chunkRows);
    } catch (IllegalArgumentException e) {
      // Flags that cannot work together or be read: a usage error (exit 2), said in the flags' words.
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ClusterNode node = ClusterNode.start(clusterOptions,
        config -> CoordinatorCluster.configure(config, options)).await();
    CoordinatorVerticle coordinator = new CoordinatorVerticle(options, node.hazelcast());
    node.vertx().deployVerticle(coordinator).await();
    LOG.info("Ferry coordinator ready: API and dashboard at http://{}:{}/ , metrics at /metrics, cluster at {}:{}",
        httpHost, coordinator.actualHttpPort(), clusterOptions.publicHost(), clusterPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Coordinator stopping");
      boolean closed = node.close().toCompletionStage().toCompletableFuture().orTimeout(STOP_SECONDS,
          java.util.concurrent.TimeUnit.SECONDS).handle((v, e) -> e == null).join();
      stopped.countDown();
      if (closed) {
        // The stop that was asked for is done: exit 0, as a worker does, not the 143 the JVM reports after a SIGTERM.
        LOG.info("Coordinator stopped");
        Runtime.getRuntime().halt(0);
      }
    }, "ferry-shutdown"));
    stopped.await();
    return 0;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
