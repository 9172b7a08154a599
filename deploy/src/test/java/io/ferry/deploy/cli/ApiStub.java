package io.ferry.deploy.cli;

import com.sun.net.httpserver.HttpServer;
import io.ferry.deploy.Ferry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import picocli.CommandLine;

/**
 * An HTTP server on loopback standing in for the coordinator's API: it answers the queued answers in order
 * and records each request as it arrived, so a test sees exactly what a verb sent and what it made of the
 * answer. The coordinator's own routes are exercised against real processes in {@code ClusterMigrationIT}.
 */
final class ApiStub implements AutoCloseable {

  /** A request as the server received it: method, raw path with its query, Authorization header, body. */
  record Request(String method, String path, String authorization, String body) {
  }

  /** What the CLI printed and its exit status. */
  record Run(int exit, String out, String err) {
  }

  private record Answer(int status, String body) {
  }

  private final HttpServer server;
  private final Deque<Answer> answers = new ArrayDeque<>();
  final List<Request> requests = new ArrayList<>();

  ApiStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String query = exchange.getRequestURI().getRawQuery();
      synchronized (this) {
        requests.add(new Request(exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
            exchange.getRequestHeaders().getFirst("Authorization"),
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      }
      Answer answer;
      synchronized (this) {
        answer = answers.isEmpty() ? new Answer(500, "{\"error\":\"no answer queued\",\"details\":[]}") : answers.poll();
      }
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  /** Queues the next answer. */
  synchronized ApiStub answer(int status, String body) {
    answers.add(new Answer(status, body));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Runs {@code ferry ARGS --coordinator <this stub>} in this JVM, as {@code main} configures it. */
  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Ferry.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--coordinator=" + url());
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  synchronized Request only() {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests);
    }
    return requests.get(0);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
