package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document at {@code /api/v1/openapi.yaml} against what the coordinator serves: the same routes,
 * and the API reference's examples (docs/api.md) are answers the document allows.
 */
class OpenApiDocumentTest {

  private static final String TOKEN = "openapi-test-token";
  /** An example's operation and status, written just above its block: {@code <!-- example: getJob 200 -->}. */
  private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\w+) (\\d{3})(?: (\\S+): (\\S+))? -->");
  /**
   * Request bodies of an operation, written above their block: {@code <!-- request: rollbackJob -->}; in the block,
   * each line starting with {@code {} is a body (what follows the object on the line is prose).
   */
  private static final Pattern REQUEST = Pattern.compile("<!-- request: (\\w+) -->");

  private static Vertx vertx;
  private static ApiContract api;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    api = ApiContract.load(vertx);
  }

  @AfterAll
  static void close() throws Exception {
    ApiContract.await(vertx.close());
  }

  /** The router the coordinator serves (its dependencies are only called by requests, none made here). */
  private static Router router() {
    return HttpApi.router(vertx, TOKEN, () -> true, null, null, null, null, null, null, System::currentTimeMillis, null);
  }

  /** docs/api.md, from the module's folder (the tests' working directory). */
  private static List<String> apiReference() throws Exception {
    return Files.readAllLines(Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("api.md"));
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    Set<String> served = new TreeSet<>();
    for (Route route : router().getRoutes()) {
      // Routes without a method are the handlers every /api request passes (token, readiness, body).
      if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) {
        route.methods().forEach(m -> served.add(m.name() + " " + route.getPath().replaceAll(":(\\w+)", "{$1}")));
      }
    }
    Set<String> documented = new TreeSet<>();
    for (Operation operation : api.contract.operations()) {
      documented.add(operation.getHttpMethod().name() + " " + operation.getOpenAPIPath());
    }

    assertThat(served).as("routes the coordinator serves").hasSizeGreaterThan(15);
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    Set<String> unserved = new TreeSet<>(documented);
    unserved.removeAll(served);
    assertThat(undocumented).as("served but not in openapi.yaml").isEmpty();
    assertThat(unserved).as("in openapi.yaml but not served").isEmpty();
  }

  @Test
  void theDocumentIsServedBehindTheApiTokenAndReadsAsAContract() throws Exception {
    HttpServer server = ApiContract.await(vertx.createHttpServer().requestHandler(router()).listen(0, "127.0.0.1"));
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/api/v1/openapi.yaml");
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> served = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).GET().build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(api.check("getOpenApi", refused)).isNull();
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/yaml"));
      OpenAPIContract contract = ApiContract.await(OpenAPIContract.from(vertx, ApiContract.readable(ApiContract.document(served.body()))));
      assertThat(contract.operations()).hasSameSizeAs(api.contract.operations());
      assertThat(contract.securityScheme("apiToken").getScheme()).isEqualTo("bearer");
    } finally {
      ApiContract.await(server.close());
    }
  }

  @Test
  void everyJsonExampleOfTheApiReferenceIsAnAnswerTheDocumentAllows() throws Exception {
    List<String> lines = apiReference();
    List<String> problems = new ArrayList<>();
    int examples = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```json")) {
        continue;
      }
      int start = i + 1;
      StringBuilder block = new StringBuilder();
      while (!lines.get(++i).strip().equals("```")) {
        block.append(lines.get(i)).append('\n');
      }
      Matcher m = EXAMPLE.matcher(start >= 2 ? lines.get(start - 2).strip() : "");
      if (!m.matches()) {
        problems.add("api.md line " + start + ": a JSON example needs <!-- example: OPERATION STATUS --> on the line above");
        continue;
      }
      examples++;
      Map<String, String> headers = m.group(3) == null ? Map.of() : Map.of(m.group(3), m.group(4));
      String problem = api.check(m.group(1), Integer.parseInt(m.group(2)), headers, block.toString());
      if (problem != null) {
        problems.add("api.md line " + start + " (" + m.group(1) + " " + m.group(2) + "): " + problem);
      }
    }
    assertThat(problems).isEmpty();
    assertThat(examples).isGreaterThanOrEqualTo(12);
  }

  @Test
  void everyRequestBodyOfTheApiReferenceIsOneTheDocumentAllows() throws Exception {
    List<String> lines = apiReference();
    List<String> problems = new ArrayList<>();
    int bodies = 0;
    for (int i = 1; i < lines.size(); i++) {
      Matcher m = REQUEST.matcher(lines.get(i - 1).strip());
      if (!lines.get(i).strip().equals("```") || !m.matches()) {
        continue;
      }
      while (!lines.get(++i).strip().equals("```")) {
        if (lines.get(i).startsWith("{")) {
          bodies++;
          // The object ends where its braces balance; the rest of the line says what it does.
          String body = Json.mapper().readTree(lines.get(i)).toString();
          String problem = api.checkRequest(m.group(1), body);
          if (problem != null) {
            problems.add("api.md line " + (i + 1) + " (" + m.group(1) + "): " + problem);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(bodies).isGreaterThanOrEqualTo(5);
  }

  @Test
  void aRequestBodyTheServerRefusesIsOneTheDocumentRefuses() {
    assertThat(api.checkRequest("rollbackJob", "{\"tenant\": \"a\"}")).isNull();
    assertThat(api.checkRequest("rollbackJob", "{}")).as("none of the three").isNotNull();
    assertThat(api.checkRequest("rollbackJob", "{\"tenant\": \"\"}")).as("an empty name").isNotNull();
    assertThat(api.checkRequest("patchJob", "{\"limits\": {\"rowsPerSecond\": 0}}")).as("not positive").isNotNull();
    assertThat(api.checkRequest("patchJob", "{\"limits\": {\"rowsPerSec\": 5}}")).as("unknown field").isNotNull();
    assertThat(api.checkRequest("submitJob", "{\"name\": \"a\", \"source\": {\"tenants\": []}, \"target\": {\"url\": \"u\"}}"))
        .as("no tenant").isNotNull();
  }

  @Test
  void anAnswerWithAFieldTheDocumentDoesNotKnowIsRefused() {
    String summary = "{\"id\":\"a-k3x9qa\",\"name\":\"a\",\"state\":\"running\",\"phase\":\"copy\",\"createdAt\":\"2025-01-01T10:00:00Z\","
        + "\"startedAt\":null,\"finishedAt\":null,\"elapsedSeconds\":1.0,\"rows\":{\"done\":0,\"estimated\":0,\"rejected\":0},"
        + "\"bytes\":{\"done\":0,\"estimated\":0},\"throughput\":{\"rowsPerSecond\":0.0,\"bytesPerSecond\":0.0,"
        + "\"averageRowsPerSecond\":0.0,\"averageBytesPerSecond\":0.0},\"etaSeconds\":null,\"units\":{\"total\":0,\"blocked\":0,"
        + "\"pending\":0,\"leased\":0,\"done\":0,\"failed\":0,\"held\":0},\"tables\":[],\"scopes\":[],\"verification\":{\"verdict\":\"not verified\","
        + "\"ranges\":0,\"verified\":0,\"mismatched\":0,\"differingKeys\":0},\"error\":null";

    assertThat(api.check("pauseJob", 200, Map.of(), summary + "}")).isNull();
    assertThat(api.check("pauseJob", 200, Map.of(), summary + ",\"progress\":1}")).isNotNull();
    assertThat(api.check("getJob", 200, Map.of(), summary + ",\"failedUnits\":[]}")).as("a status without its spec").isNotNull();
    assertThat(api.check("pauseJob", 409, Map.of(), "{\"error\":\"invalid job state\"}")).as("an error without details").isNotNull();
  }
}
