package io.ferry.deploy.cli;

import io.ferry.deploy.cluster.ClusterNode;
import io.ferry.deploy.cluster.ClusterOptions;
import io.ferry.deploy.cluster.NoCoordinatorException;
import io.ferry.worker.runtime.WorkerEndpoint;
import io.ferry.worker.runtime.WorkerOptions;
import io.ferry.worker.runtime.WorkerVerticle;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs a worker, and keeps it in the cluster across coordinator restarts.
 *
 * <p>Workers are Hazelcast lite members: they hold none of the cluster's map partitions, so all map
 * state (and its store in the target database) lives with the coordinator. The price: without a
 * coordinator a worker cannot use the event bus, and a restarted coordinator does not find members that
 * are not in its join list. So when the last data member leaves, the worker stops its units at their next
 * chunk boundary (every committed chunk is checkpointed), leaves, and joins again as soon as a
 * coordinator answers; the coordinator hands the units out again from their checkpoints.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Run a worker: claims work units from the coordinator and executes them.",
        "Every flag can also be set as an environment variable FERRY_<FLAG> (e.g. FERRY_MAX_UNITS).",
        "Exit codes: 0 stopped on request (SIGTERM, Ctrl-C), 1 could not start, 2 usage."})
public final class WorkerCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

  /** How long a stop (SIGTERM) may take: the units' drain and the leaving; a supervisor's grace must exceed it. */
  public static final int STOP_SECONDS = 30;

  @Option(names = "--cluster-port", defaultValue = "0", paramLabel = "PORT",
      description = "Cluster port of this worker; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--max-units", defaultValue = "4", paramLabel = "N",
      description = "How many work units this worker executes at once (default: ${DEFAULT-VALUE}).")
  int maxUnits;

  @Option(names = "--health-port", defaultValue = "-1", paramLabel = "PORT",
      description = {"Serve this worker's health and metrics on this port; 0 picks a free port, negative turns it off"
          + " (default: off).", "Addresses: http://<cluster-host>:PORT/metrics (Prometheus), /health (alive) and /ready (in a"
          + " cluster with a coordinator, taking work)."})
  int healthPort;

  @Mixin
  ClusterMixin cluster;

  @Mixin
  LogMixin log;

  @Spec
  CommandSpec spec;

  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    log.apply();
    if (maxUnits < 1) {
      throw new ParameterException(spec.commandLine(), "--max-units must be at least 1, not " + maxUnits);
    }
    ClusterOptions clusterOptions;
    try {
      clusterOptions = cluster.options(clusterPort, true);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = true;
      main.interrupt();
      try {
        if (stopped.await(STOP_SECONDS, TimeUnit.SECONDS)) {
          // The worker left the cluster after its units ended at a chunk boundary and were handed back
          // (a unit still running after the 20 s grace is left to its lease, and logged). The stop that
          // was asked for is done, so exit 0 rather than the 143 the JVM reports after a SIGTERM.
          LOG.info("Worker stopped");
          Runtime.getRuntime().halt(0);
        }
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "ferry-shutdown"));
    // The health port lives as long as the process, across the cluster nodes of each join (see WorkerEndpoint).
    Vertx local = healthPort < 0 ? null : Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    WorkerEndpoint endpoint = local == null ? null : WorkerEndpoint.start(local, clusterOptions.host(), healthPort).await();
    try {
      boolean waitingLogged = false;
      while (!stopping) {
        ClusterNode node;
        try {
          node = ClusterNode.start(clusterOptions, config -> { }).await();
        } catch (NoCoordinatorException e) {
          if (!waitingLogged) {
            LOG.info("Waiting for a coordinator: {}", e.getMessage());
            waitingLogged = true;
          }
          sleepQuietly(1000);
          continue;
        }
        waitingLogged = false;
        runUntilCoordinatorLost(node, clusterOptions, endpoint);
      }
    } finally {
      if (local != null) {
        local.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
      stopped.countDown();
    }
    return 0;
  }

  private void runUntilCoordinatorLost(ClusterNode node, ClusterOptions clusterOptions, WorkerEndpoint endpoint) {
    CountDownLatch lost = new CountDownLatch(1);
    node.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        if (!ClusterNode.hasDataMember(node.hazelcast())) {
          lost.countDown();
        }
      }
    });
    WorkerVerticle worker = new WorkerVerticle(new WorkerOptions(node.nodeId(), maxUnits, 2000, 500));
    try {
      String deployment = node.vertx().deployVerticle(worker).await();
      serve(endpoint, worker);
      LOG.info("Ferry worker {} joined the cluster through {}; executing up to {} units at once",
          node.nodeId(), String.join(",", clusterOptions.joinTargets()), maxUnits);
      try {
        lost.await();
        LOG.warn("The coordinator left the cluster; stopping units at their next checkpoint and joining again");
        worker.coordinatorLost();
      } catch (InterruptedException e) {
        LOG.info("Worker {} stopping: finishing the current chunks and releasing its units", node.nodeId());
      }
      node.vertx().undeploy(deployment).toCompletionStage().toCompletableFuture()
          .orTimeout(25, TimeUnit.SECONDS).exceptionally(e -> null).join();
    } catch (Exception e) {
      LOG.error("Worker failed: {}", e.getMessage());
      sleepQuietly(1000);
    } finally {
      serve(endpoint, null);
      node.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
    }
  }

  private static void serve(WorkerEndpoint endpoint, WorkerVerticle worker) {
    if (endpoint != null) {
      endpoint.serve(worker);
    }
  }

  private void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      stopping = true;
    }
  }
}
