package io.ferry.deploy.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How a process joins the Ferry cluster.
 *
 * @param host    the address this member binds and advertises (loopback by default)
 * @param port    the Hazelcast member port; 0 picks a free one
 * @param join    the members to contact when joining ({@code host:port})
 * @param lite    a lite member owns no map partitions: workers are lite, so the coordinator's map stores
 *                (backed by the target database) run only in the coordinator
 * @param secret  the cluster secret shared by every member, null for none; only members with the same
 *                secret form a cluster (see {@link #clusterName()})
 * @param kubernetesService {@code DNS-NAME[:PORT]} of a headless Kubernetes Service selecting every Ferry pod,
 *                and the cluster port they listen on: members find each other through Hazelcast's Kubernetes
 *                discovery (DNS lookup) instead of {@code join}; null for the TCP/IP join
 */
public record ClusterOptions(String host, int port, List<String> join, boolean lite, String secret, String kubernetesService) {

  /** The cluster port members listen on in Kubernetes unless {@code --kubernetes-service} names another. */
  public static final int KUBERNETES_PORT = 5701;

  public ClusterOptions {
    if (kubernetesService != null && !kubernetesService.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
      throw new IllegalArgumentException("--kubernetes-service " + kubernetesService + ": expected DNS-NAME or DNS-NAME:PORT");
    }
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

  /** A member that joins over TCP/IP, by the {@code join} addresses. */
  public ClusterOptions(String host, int port, List<String> join, boolean lite, String secret) {
    this(host, port, join, lite, secret, null);
  }

  /** Where this member looks for the others, for messages: the join addresses or the Kubernetes Service. */
  public List<String> joinTargets() {
    return kubernetesService == null ? join : List.of("Kubernetes Service " + kubernetesService);
  }

  @Override
  public String toString() {
    // The secret stays out of every log line and error message that prints the options.
    return "ClusterOptions[host=" + host + ", port=" + port + ", join=" + joinTargets() + ", lite=" + lite + "]";
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
