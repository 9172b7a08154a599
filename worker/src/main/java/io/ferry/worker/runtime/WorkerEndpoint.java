package io.ferry.worker.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's own HTTP port: {@code /health} (the process answers), {@code /ready} (it is in a
 * cluster with a coordinator and takes work) and {@code /metrics} (Prometheus). It outlives the worker
 * verticle, which a worker redeploys every time it joins a coordinator again: a worker waiting for a
 * coordinator is alive but not ready, so a liveness probe does not restart it for the coordinator's absence.
 */
public final class WorkerEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerEndpoint.class);

  private final HttpServer server;
  private volatile WorkerVerticle worker;

  private WorkerEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code host:port} (0: a free port) with no worker to serve yet: alive, not ready. */
  public static Future<WorkerEndpoint> start(Vertx vertx, String host, int port) {
    WorkerEndpoint[] endpoint = new WorkerEndpoint[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> endpoint[0].answer(request.path(), request.response()));
    endpoint[0] = new WorkerEndpoint(server);
    return server.listen(port, host).map(s -> {
      LOG.info("worker health at http://{}:{}/health, readiness at /ready, metrics at /metrics", host, s.actualPort());
      return endpoint[0];
    });
  }

  /** The verticle whose readiness and metrics this port reports from now on; null while there is none. */
  public void serve(WorkerVerticle current) {
    this.worker = current;
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void answer(String path, HttpServerResponse response) {
    WorkerVerticle current = worker;
    switch (path) {
      case "/health" -> json(response, 200, new JsonObject().put("status", "up"));
      case "/ready" -> {
        if (current != null && current.ready()) {
          json(response, 200, new JsonObject().put("status", "ready"));
        } else {
          json(response, 503, new JsonObject().put("status", "not ready")
              .put("reason", current == null ? "waiting for a coordinator" : "not taking work: starting, stopping or coordinator lost"));
        }
      }
      case "/metrics" -> {
        if (current == null) {
          // No verticle, no figures: a failed scrape says so, where an empty one would read as a worker at rest.
          response.setStatusCode(503).end();
        } else {
          response.putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(current.scrape());
        }
      }
      default -> response.setStatusCode(404).end();
    }
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  public Future<Void> close() {
    return server.close();
  }
}
