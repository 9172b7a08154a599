package io.ferry.deploy.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@code --cluster-host} value {@value #AUTO}: the address this machine's host name resolves to, which
 * in a container or a pod is its own (the image has no shell to work it out). Needs {@code java.base}
 * only, as {@link io.ferry.deploy.HealthProbe} uses it too.
 */
public final class ClusterHost {

  public static final String AUTO = "auto";

  private ClusterHost() {
  }

  /** {@code host} itself, or for {@value #AUTO} the host name's address; refuses a loopback one. */
  public static String resolve(String host) {
    if (!AUTO.equals(host)) {
      return host;
    }
    try {
      InetAddress local = InetAddress.getLocalHost();
      if (local.isLoopbackAddress()) {
        throw new IllegalArgumentException("--cluster-host auto: this machine's host name resolves to " + local.getHostAddress()
            + ", a loopback address other machines cannot reach; give the address instead");
      }
      return local.getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--cluster-host auto: this machine's host name does not resolve: " + e.getMessage());
    }
  }
}
