package io.ferry.deploy.cli;

import io.ferry.deploy.cluster.ClusterHost;
import io.ferry.deploy.cluster.ClusterOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** Cluster flags shared by {@code ferry coordinator} and {@code ferry worker}. */
public final class ClusterMixin {

  @Option(names = "--cluster-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = {"Address this member binds and advertises to the cluster (env FERRY_CLUSTER_HOST); 'auto': the"
          + " address the host name resolves to (a container's or pod's own).", "Default: ${DEFAULT-VALUE}."})
  String host;

  @Option(names = "--join", defaultValue = "127.0.0.1:5701", split = ",", paramLabel = "HOST:PORT",
      description = {"Members to join, comma-separated; the coordinator's cluster address at least (env FERRY_JOIN).",
          "Default: ${DEFAULT-VALUE}."})
  List<String> join;

  @Option(names = "--kubernetes-service", paramLabel = "DNS-NAME[:PORT]",
      description = "Join through Kubernetes discovery instead of --join: a headless Service selecting every Ferry pod,"
          + " and their cluster port (default 5701) (env FERRY_KUBERNETES_SERVICE).")
  String kubernetesService;

  @Option(names = "--cluster-secret", paramLabel = "SECRET", arity = "1",
      description = "Shared by every member of one cluster: a process with another secret, or none, forms a cluster"
          + " of its own instead of joining (env FERRY_CLUSTER_SECRET, preferred: a flag shows in the process list).")
  String secret;

  /** The cluster address, {@code auto} resolved. */
  String host() {
    return ClusterHost.resolve(host);
  }

  public ClusterOptions options(int port, boolean lite) {
    return new ClusterOptions(host(), port, join, lite, secret == null || secret.isBlank() ? null : secret,
        kubernetesService == null || kubernetesService.isBlank() ? null : kubernetesService);
  }
}
