package io.ferry.deploy.cli;

import io.ferry.deploy.cluster.ClusterHost;
import io.ferry.deploy.cluster.ClusterOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** Cluster flags shared by {@code ferry coordinator} and {@code ferry worker}. */
public final class ClusterMixin {

  @Option(names = "--cluster-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = {"Address this member's cluster and event bus ports bind, and that it advertises unless"
          + " --cluster-public-host is set (env FERRY_CLUSTER_HOST). 0.0.0.0 binds every interface; 'auto': the"
          + " address the host name resolves to (a container's or pod's own).", "Default: ${DEFAULT-VALUE}."})
  String host;

  @Option(names = "--cluster-public-host", paramLabel = "HOST",
      description = {"Address the other members reach this one at, when it is not --cluster-host: behind NAT or"
          + " a container's published ports (env FERRY_CLUSTER_PUBLIC_HOST).", "Default: --cluster-host."})
  String publicHost;

  @Option(names = "--event-bus-port", defaultValue = "0", paramLabel = "PORT",
      description = {"Port of the event bus, which the other members connect to as well; fix it where a firewall"
          + " lists the ports (env FERRY_EVENT_BUS_PORT).", "Default: 0, a free port."})
  int eventBusPort;

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

  /**
   * @throws IllegalArgumentException when the flags cannot work together (a wildcard address advertised, a bad
   *                                  port, a malformed Kubernetes Service)
   */
  public ClusterOptions options(int port, boolean lite) {
    return new ClusterOptions(host(), publicHost, port, eventBusPort, join, lite,
        secret == null || secret.isBlank() ? null : secret,
        kubernetesService == null || kubernetesService.isBlank() ? null : kubernetesService);
  }
}
