package io.ferry.deploy.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a clustered Vert.x on Hazelcast, tuned as STACK.md records: TCP/IP join to the configured
 * members (or, on Kubernetes, Hazelcast's Kubernetes discovery through a headless Service), multicast and auto-detection off, one-second connection timeout and no join wait (two JVMs
 * then meet in ~3 s instead of 7–14 s), one-second heartbeats with a five-second limit (a hung member is
 * dropped in seconds, not the default minute).
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  /** The member attribute where vertx-hazelcast keeps the node id. */
  public static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;

  private ClusterNode(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  public Vertx vertx() {
    return vertx;
  }

  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /** This member's Vert.x node id, which is also the worker id (member attribute {@value #NODE_ID_ATTRIBUTE}). */
  public String nodeId() {
    return hazelcast.getCluster().getLocalMember().getAttribute(NODE_ID_ATTRIBUTE);
  }

  /**
   * @param customizer last changes to the Hazelcast config (the coordinator adds its map stores)
   */
  public static Future<ClusterNode> start(ClusterOptions options, Consumer<Config> customizer) {
    Config config = hazelcastConfig(options);
    if (options.secret() == null && !isLoopback(options.host())) {
      LOG.warn("The cluster port listens on {} without a cluster secret: any Ferry process without one that reaches it"
          + " joins this cluster. Set FERRY_CLUSTER_SECRET on every member", options.host());
    }
    // Vert.x reads its node id from this member attribute when it is handed a ready instance. The same
    // id names the worker, so the coordinator maps a departed Hazelcast member to its worker by it.
    config.getMemberAttributeConfig().setAttribute(NODE_ID_ATTRIBUTE, UUID.randomUUID().toString());
    customizer.accept(config);
    // Creating the instance blocks for the join; it runs before any event loop exists.
    HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
    if (options.lite() && !awaitDataMember(hazelcast)) {
      hazelcast.shutdown();
      return Future.failedFuture(new NoCoordinatorException(options.joinTargets()));
    }
    EventBusOptions eventBus = eventBusOptions(options);
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(eventBus))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .map(vertx -> new ClusterNode(vertx, hazelcast))
        .onFailure(e -> hazelcast.shutdown());
  }

  /** A lite member alone cannot hold Vert.x' cluster maps: it needs the coordinator (a data member). */
  private static boolean awaitDataMember(HazelcastInstance hazelcast) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (hasDataMember(hazelcast)) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return hasDataMember(hazelcast);
  }

  public static boolean hasDataMember(HazelcastInstance hazelcast) {
    return hazelcast.getLifecycleService().isRunning()
        && hazelcast.getCluster().getMembers().stream().anyMatch(m -> !m.isLiteMember());
  }

  /** The event bus binds where the cluster port does and is reached where the member is advertised. */
  static EventBusOptions eventBusOptions(ClusterOptions options) {
    return new EventBusOptions()
        .setHost(options.host())
        .setPort(options.eventBusPort())
        .setClusterPublicHost(options.publicHost());
  }

  static Config hazelcastConfig(ClusterOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.clusterName());
    config.setLiteMember(options.lite());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Ferry's figures come from its own /metrics. Hazelcast's collector read every probe by reflection every
    // 5 s in every process: about a fifth of the Hazelcast threads' CPU, on machines where CPU is the limit.
    config.getMetricsConfig().setEnabled(false);
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.port() == 0 ? freePort() : options.port());
    network.setPortAutoIncrement(false);
    // What the other members connect to: this member's address as they know it, which behind NAT or a
    // container's published port is not the one it binds.
    network.setPublicAddress(options.publicHost() + ":" + network.getPort());
    if (ClusterOptions.wildcard(options.host())) {
      config.setProperty("hazelcast.socket.bind.any", "true");
    } else {
      // The interface list takes addresses, not names: a host name (compose's service name) is resolved here.
      network.getInterfaces().setEnabled(true).addInterface(address(options.host()));
      // Hazelcast binds its member port on every interface unless told otherwise, whatever the interfaces
      // above say: bind exactly --cluster-host, so a loopback default is reachable from this machine only.
      config.setProperty("hazelcast.socket.bind.any", "false");
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (options.kubernetesService() != null) {
      // DNS lookup mode: the headless Service's records are the pods' addresses, so no API access (RBAC) is needed.
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", options.kubernetesServiceName())
          .setProperty("service-port", String.valueOf(options.kubernetesServicePort()));
      // The discovery joiner asks the discovery only within this wait: at 0 it never asks, and joins no one.
      config.setProperty("hazelcast.wait.seconds.before.join", "2");
    } else {
      join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(options.join());
    }
    return config;
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--cluster-host " + host + " cannot be resolved to an address of this machine");
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port for the cluster", e);
    }
  }

  public Future<Void> close() {
    return vertx.close().eventually(() -> {
      if (hazelcast.getLifecycleService().isRunning()) {
        hazelcast.shutdown();
      }
      return Future.succeededFuture();
    });
  }
}
