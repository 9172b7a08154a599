package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The coordinator's HTTP API as the CLI sees it. */
public final class ApiClient {

  /** A response: status and parsed JSON body (null when the body is not JSON). */
  public record Response(int status, JsonNode body, String text) {
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public ApiClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token == null || token.isBlank() ? null : token;
  }

  /** The API path of a job, its id encoded as one path segment (a typo with a slash must not reach another route). */
  public static String job(String id) {
    return "/api/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public Response get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  public Response post(String path, String body, String contentType) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Response patch(String path, String json) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(3));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Response send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException("no coordinator answers at " + base + " (start one with 'ferry coordinator', or pass --coordinator URL)");
    }
    JsonNode body = null;
    try {
      body = Json.mapper().readTree(response.body());
    } catch (IOException notJson) {
      // keep the text
    }
    return new Response(response.statusCode(), body, response.body());
  }
}
