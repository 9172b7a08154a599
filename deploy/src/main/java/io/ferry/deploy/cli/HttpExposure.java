package io.ferry.deploy.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the coordinator may serve its API on the address it was given. The API submits, cancels and
 * rolls back jobs (a rollback deletes target rows), so beyond this machine it needs a token, unless the
 * operator says explicitly that something else (a private network, a proxy) guards it.
 */
final class HttpExposure {

  private static final Logger LOG = LoggerFactory.getLogger(HttpExposure.class);

  private HttpExposure() {
  }

  /** @throws IllegalArgumentException when a non-loopback address has neither a token nor {@code --insecure-no-auth} */
  static void check(String httpHost, boolean hasToken, boolean insecureNoAuth) {
    if (hasToken || loopback(httpHost)) {
      return;
    }
    if (!insecureNoAuth) {
      throw new IllegalArgumentException("--http-host " + httpHost + " serves the API beyond this machine and no API token"
          + " is set: set one (--api-token or FERRY_API_TOKEN), or pass --insecure-no-auth if something else guards the port");
    }
    LOG.warn("INSECURE: the API on {} accepts requests without a token (--insecure-no-auth): anyone who reaches it can"
        + " submit, cancel and roll back jobs", httpHost);
  }

  static boolean loopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
