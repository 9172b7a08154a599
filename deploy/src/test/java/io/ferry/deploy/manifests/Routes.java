package io.ferry.deploy.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ferry.worker.runtime.WorkerEndpoint;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The paths the probes and scrapers of the manifests may use, as the code serves them. */
final class Routes {

  private Routes() {
  }

  /** The coordinator's routes, from its OpenAPI document (OpenApiDocumentTest holds it to the router, both ways). */
  static List<String> coordinator() throws Exception {
    try (InputStream in = Routes.class.getResourceAsStream("/io/ferry/coordinator/openapi.yaml")) {
      JsonNode paths = new YAMLMapper().readTree(in).path("paths");
      List<String> routes = new ArrayList<>();
      paths.fieldNames().forEachRemaining(routes::add);
      return routes;
    }
  }

  /**
   * What a worker's health port answers on each probe path before a worker verticle joined: a real
   * {@link WorkerEndpoint} asked over HTTP (a path it does not serve answers 404).
   */
  static synchronized Map<String, Integer> worker() throws Exception {
    if (workerAnswers == null) {
      workerAnswers = ask();
    }
    return workerAnswers;
  }

  private static Map<String, Integer> workerAnswers;

  private static Map<String, Integer> ask() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WorkerEndpoint endpoint = WorkerEndpoint.start(vertx, "127.0.0.1", 0).await();
      HttpClient http = HttpClient.newHttpClient();
      Map<String, Integer> answers = new TreeMap<>();
      for (String path : List.of("/health", "/ready", "/metrics", "/no-such-path")) {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.actualPort() + path))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 404) {
          answers.put(path, response.statusCode());
        }
      }
      return answers;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
