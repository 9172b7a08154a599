package io.ferry.deploy.cli;

import picocli.CommandLine.Option;

/** Where the CLI finds the coordinator's API. */
public final class ApiMixin {

  @Option(names = "--coordinator", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
      description = {"The coordinator's HTTP address (env FERRY_COORDINATOR).", "Default: ${DEFAULT-VALUE}."})
  String url;

  @Option(names = "--api-token", paramLabel = "TOKEN", description = "API token, if the coordinator requires one (env FERRY_API_TOKEN).")
  String token;

  public ApiClient client() {
    return new ApiClient(url, token);
  }
}
