package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A verb that asks the coordinator's API and prints its answer: a short text for people, or the answer as
 * it is with {@code --json}. Every verb exits the same way: 0 done, 1 the API refused or failed (its error
 * printed), 2 usage.
 */
abstract class ApiCommand implements Callable<Integer> {

  static final int DONE = 0;
  static final int REFUSED = 1;
  static final int USAGE = 2;

  @Mixin
  ApiMixin api;

  @Option(names = "--json", description = "Print the API's answer as it is (JSON, also for an error), for scripts.")
  boolean json;

  @Spec
  CommandSpec spec;

  /**
   * Prints an answer: with {@code --json} its text whatever its status; else the API's error on standard
   * error, or {@code human} of its body. Returns the exit status.
   */
  int answer(ApiClient.Response response, Render human) throws Exception {
    if (json) {
      out().println(response.text());
      out().flush();
      return failed(response) ? REFUSED : DONE;
    }
    if (failed(response)) {
      printError(err(), response);
      return REFUSED;
    }
    out().print(human.text(response.body()));
    out().flush();
    return DONE;
  }

  /** An answer that is an error, or not the JSON every API answer is. */
  static boolean failed(ApiClient.Response response) {
    return response.status() >= 400 || response.body() == null;
  }

  /** A usage problem the options' types cannot catch, said in one line; exit status 2. */
  int usage(String message) {
    err().println("ferry " + spec.name() + ": " + message);
    err().flush();
    return USAGE;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The API's error as {@code HTTP 409: invalid job state} and one line per detail. */
  static void printError(PrintWriter err, ApiClient.Response response) {
    JsonNode body = response.body();
    if (body == null) {
      err.println("HTTP " + response.status() + ": " + response.text());
    } else {
      err.println("HTTP " + response.status() + ": " + body.path("error").asText());
      for (JsonNode detail : body.path("details")) {
        err.println("  - " + detail.asText());
      }
    }
    if (response.status() == 401) {
      err.println("  pass the coordinator's token with --api-token TOKEN or FERRY_API_TOKEN");
    }
    err.flush();
  }

  /** Renders an answer's body for people. */
  interface Render {
    String text(JsonNode body) throws Exception;
  }
}
