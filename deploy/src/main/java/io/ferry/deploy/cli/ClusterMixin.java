package io.ferry.deploy.cli;

import io.ferry.deploy.cluster.ClusterOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** Cluster flags shared by {@code ferry coordinator} and {@code ferry worker}. */
public final class ClusterMixin {

  @Option(names = "--cluster-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = {"Address this member binds and advertises to the cluster (env FERRY_CLUSTER_HOST).", "Default: ${DEFAULT-VALUE}."})
  String host;

  @Option(names = "--join", defaultValue = "127.0.0.1:5701", split = ",", paramLabel = "HOST:PORT",
      description = {"Members to join, comma-separated; the coordinator's cluster address at least (env FERRY_JOIN).",
          "Default: ${DEFAULT-VALUE}."})
  List<String> join;

  @Option(names = "--cluster-secret", paramLabel = "SECRET", arity = "1",
      description = "Shared by every member of one cluster: a process with another secret, or none, forms a cluster"
          + " of its own instead of joining (env FERRY_CLUSTER_SECRET, preferred: a flag shows in the process list).")
  String secret;

  public ClusterOptions options(int port, boolean lite) {
    return new ClusterOptions(host, port, join, lite, secret == null || secret.isBlank() ? null : secret);
  }
}
