package io.ferry.coordinator.http;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ferry.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's OpenAPI document as a client reads it: loading it checks it against the OpenAPI 3.1
 * meta-schema, {@link #check} tells whether an answer is what the document promises for an operation, and
 * {@link #checkRequest} whether a request body is one it accepts.
 */
final class ApiContract {

  final OpenAPIContract contract;
  private final ResponseValidator validator;

  private ApiContract(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.validator = ResponseValidator.create(vertx, contract);
  }

  /** The document the coordinator serves, from the coordinator's resources. */
  static ApiContract load(Vertx vertx) throws Exception {
    try (InputStream in = ApiContract.class.getResourceAsStream(OpsRoutes.OPENAPI)) {
      return new ApiContract(vertx, await(OpenAPIContract.from(vertx, readable(document(new String(in.readAllBytes(), StandardCharsets.UTF_8))))));
    }
  }

  static JsonObject document(String yaml) throws IOException {
    return new JsonObject(Json.mapper().convertValue(new YAMLMapper().readTree(yaml), Map.class));
  }

  /**
   * The document as vertx-openapi can read it: it refuses a contract with a media type it does not validate.
   * A YAML request body goes (its JSON twin beside it has the same schema, checked here); an HTML or YAML
   * answer, a string (the event stream too), becomes text/plain.
   */
  static JsonObject readable(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation)) {
          continue;
        }
        JsonObject body = operation.getJsonObject("requestBody");
        if (body != null && body.getJsonObject("content").remove("application/yaml") instanceof JsonObject yaml
            && !yaml.equals(body.getJsonObject("content").getJsonObject("application/json"))) {
          throw new IllegalStateException(method + " " + path + ": its YAML body has another schema than its JSON body");
        }
        JsonObject responses = operation.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject content = responses.getJsonObject(status).getJsonObject("content");
          for (String type : List.of("text/html", "application/yaml", "text/event-stream")) {
            if (content != null && content.remove(type) instanceof JsonObject text) {
              content.put("text/plain", text);
            }
          }
        }
      }
    }
    return copy;
  }

  /** Null when the answer conforms, else why not. */
  String check(String operationId, int status, Map<String, String> headers, String json) {
    try {
      await(validator.validate(ValidatableResponse.create(status, headers, Buffer.buffer(json), "application/json"), operationId));
      return null;
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      return cause.getMessage() + (cause.getCause() == null ? "" : ": " + cause.getCause().getMessage());
    }
  }

  /** Null when {@code json}, an object, is a request body the document allows for the operation, else why not. */
  String checkRequest(String operationId, String json) {
    OutputUnit result = contract.getSchemaRepository()
        .validator(contract.operation(operationId).getRequestBody().getContent().get("application/json").getSchema())
        .validate(new JsonObject(json));
    return Boolean.TRUE.equals(result.getValid()) ? null : String.valueOf(result.getErrors());
  }

  /** Null when a real answer conforms, else why not. */
  String check(String operationId, HttpResponse<String> response) {
    Map<String, String> headers = new HashMap<>();
    response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
    return check(operationId, response.statusCode(), headers, response.body());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
