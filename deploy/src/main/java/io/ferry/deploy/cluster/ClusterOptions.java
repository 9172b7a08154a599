package io.ferry.deploy.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How a process joins the Ferry cluster.
 *
 * @param host         the address this member's cluster and event bus ports bind (loopback by default); a
 *                     wildcard ({@code 0.0.0.0}) binds every interface and then needs {@code publicHost}
 * @param publicHost   the address the other members reach this one at: the address of this member that
 *                     they know, which differs from {@code host} behind NAT or a container's published
 *                     port; null for {@code host}
 * @param port         the Hazelcast member port; 0 picks a free one
 * @param eventBusPort the port of the event bus (members' requests and replies to each other); 0 picks a
 *                     free one
 * @param join         the members to contact when joining ({@code host:port})
 * @param lite         a lite member owns no map partitions: workers are lite, so the coordinator's map stores
 *                     (backed by the target database) run only in the coordinator
 * @param secret       the cluster secret shared by every member, null for none; only members with the same
 *                     secret form a cluster (see {@link #clusterName()})
 * @param kubernetesService {@code DNS-NAME[:PORT]} of a headless Kubernetes Service selecting every Ferry pod,
 *                     and the cluster port they listen on: members find each other through Hazelcast's
 *                     Kubernetes discovery (DNS lookup) instead of {@code join}; null for the TCP/IP join
 */
public record ClusterOptions(String host, String publicHost, int port, int eventBusPort, List<String> join, boolean lite,
                             String secret, String kubernetesService) {

  /** The cluster port members listen on in Kubernetes unless {@code --kubernetes-service} names another. */
  public static final int KUBERNETES_PORT = 5701;

  /**
   * @throws IllegalArgumentException when the address others are to reach is a wildcard, a port is out of
   *                                  range, or the Kubernetes Service is no {@code DNS-NAME[:PORT]}
   */
  public ClusterOptions {
    if (publicHost == null || publicHost.isBlank()) {
      if (wildcard(host)) {
        throw new IllegalArgumentException("--cluster-host " + host + " binds every interface: say with"
            + " --cluster-public-host which address the other members reach this one at");
      }
      publicHost = host;
    } else if (wildcard(publicHost)) {
      throw new IllegalArgumentException("--cluster-public-host " + publicHost
          + " is no address the other members can reach: give this member's own");
    }
    checkPort("--cluster-port", port);
    checkPort("--event-bus-port", eventBusPort);
    if (kubernetesService != null && !kubernetesService.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
      throw new IllegalArgumentException("--kubernetes-service " + kubernetesService + ": expected DNS-NAME or DNS-NAME:PORT");
    }
  }

  /** Binds and advertises {@code host}, the event bus on a free port, joining over TCP/IP. */
  public ClusterOptions(String host, int port, List<String> join, boolean lite, String secret) {
    this(host, null, port, 0, join, lite, secret, null);
  }

  /** Binds and advertises {@code host}, the event bus on a free port, joining by {@code kubernetesService}. */
  public ClusterOptions(String host, int port, List<String> join, boolean lite, String secret, String kubernetesService) {
    this(host, null, port, 0, join, lite, secret, kubernetesService);
  }

  /** Joining over TCP/IP, by the {@code join} addresses. */
  public ClusterOptions(String host, String publicHost, int port, int eventBusPort, List<String> join, boolean lite,
                        String secret) {
    this(host, publicHost, port, eventBusPort, join, lite, secret, null);
  }

  /** The DNS name of the Kubernetes Service (without its port). */
  public String kubernetesServiceName() {
    int colon = kubernetesService.indexOf(':');
    return colon < 0 ? kubernetesService : kubernetesService.substring(0, colon);
  }

  /** The cluster port of the Service's members: the one given after the name, else {@value #KUBERNETES_PORT}. */
  public int kubernetesServicePort() {
    int colon = kubernetesService.indexOf(':');
    return colon < 0 ? KUBERNETES_PORT : Integer.parseInt(kubernetesService.substring(colon + 1));
  }

  /** Where this member looks for the others, for messages: the join addresses or the Kubernetes Service. */
  public List<String> joinTargets() {
    return kubernetesService == null ? join : List.of("Kubernetes Service " + kubernetesService);
  }

  /** Whether {@code host} binds every interface ({@code 0.0.0.0}, {@code ::}). */
  public static boolean wildcard(String host) {
    try {
      return InetAddress.getByName(host).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void checkPort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + " must be between 0 (a free one) and 65535, not " + port);
    }
  }

  @Override
  public String toString() {
    // The secret stays out of every log line and error message that prints the options.
    return "ClusterOptions[host=" + host + ", publicHost=" + publicHost + ", port=" + port + ", eventBusPort="
        + eventBusPort + ", join=" + joinTargets() + ", lite=" + lite + "]";
  }

  /**
   * The Hazelcast cluster name: {@code ferry-} and the SHA-256 of the secret in hex. Hazelcast OSS has no
   * member authentication, but a member only joins a cluster of its own name, so a process with another
   * secret (or none) forms its own cluster instead of taking work from this one. The name travels in
   * clear in join requests: it is derived from the secret, never the secret itself.
   */
  public String clusterName() {
    String material = secret == null || secret.isEmpty() ? "" : secret;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
      return "ferry-" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
