package io.ferry.deploy.cli;

import io.ferry.deploy.logging.LogFormat;
import picocli.CommandLine.Option;

/** The log flag of {@code ferry coordinator} and {@code ferry worker}. */
public final class LogMixin {

  @Option(names = "--log-format", defaultValue = "text", paramLabel = "FORMAT", converter = LogFormat.Converter.class,
      description = "text (default): one readable line per event; json: one JSON object per line with time, level, "
          + "logger, job, unit, tenant and message, for log pipelines (env FERRY_LOG_FORMAT).")
  LogFormat format;

  /** Logs in the chosen format from now on. */
  void apply() {
    format.apply();
  }
}
