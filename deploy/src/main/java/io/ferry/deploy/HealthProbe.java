package io.ferry.deploy;

import io.ferry.deploy.cli.CoordinatorCommand;
import io.ferry.deploy.cluster.ClusterHost;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Map;

/**
 * The container health check command for an orchestrator that runs a command rather than an HTTP GET
 * (Docker and Compose {@code healthcheck}; the image has no shell and no curl): GETs a probe of the
 * coordinator or worker of this container ({@link #target}) and exits 0 on 200, else 1. A class of its own, needing nothing but
 * {@code java.base}, so that each check starts a small JVM:
 * {@code java -cp /app/classes io.ferry.deploy.HealthProbe [/ready|/health]}.
 */
public final class HealthProbe {

  private HealthProbe() {
  }

  public static void main(String[] args) {
    System.exit(check(target(System.getenv(), args.length > 0 ? args[0] : "/ready")) ? 0 : 1);
  }

  /**
   * Where the probe asks, from the container's environment: a worker's health port where it has one
   * ({@code FERRY_HEALTH_PORT}, on its cluster host, as the worker binds it), else the coordinator's HTTP port
   * on loopback.
   */
  public static URI target(Map<String, String> env, String path) {
    String healthPort = env.get("FERRY_HEALTH_PORT");
    if (healthPort != null && !healthPort.isBlank()) {
      String host = ClusterHost.resolve(env.getOrDefault("FERRY_CLUSTER_HOST", "127.0.0.1"));
      return URI.create("http://" + host + ":" + healthPort + path);
    }
    return URI.create("http://127.0.0.1:" + env.getOrDefault("FERRY_HTTP_PORT", CoordinatorCommand.DEFAULT_HTTP_PORT) + path);
  }

  /** Whether {@code uri} answers 200 within 5 seconds; says what it got on standard output either way. */
  static boolean check(URI uri) {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(5000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      connection.disconnect();
      System.out.println(uri + ": " + status);
      return status == 200;
    } catch (IOException | IllegalArgumentException e) {
      System.out.println(uri + ": " + e);
      return false;
    }
  }
}
