package io.ferry.deploy;

import io.ferry.deploy.cli.CoordinatorCommand;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container health check command for an orchestrator that runs a command rather than an HTTP GET
 * (Docker and Compose {@code healthcheck}; the image has no shell and no curl): GETs a probe of the
 * coordinator on this machine and exits 0 on 200, else 1. A class of its own, needing nothing but
 * {@code java.base}, so that each check starts a small JVM:
 * {@code java -cp /app/classes io.ferry.deploy.HealthProbe [/ready|/health]}.
 */
public final class HealthProbe {

  private HealthProbe() {
  }

  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : "/ready";
    String port = System.getenv().getOrDefault("FERRY_HTTP_PORT", CoordinatorCommand.DEFAULT_HTTP_PORT);
    System.exit(check(URI.create("http://127.0.0.1:" + port + path)) ? 0 : 1);
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
