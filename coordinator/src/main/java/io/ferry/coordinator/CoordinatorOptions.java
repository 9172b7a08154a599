package io.ferry.coordinator;

import io.ferry.coordinator.schedule.RetryPolicy;
import java.nio.file.Path;

/**
 * How a coordinator runs.
 *
 * @param httpHost           interface the HTTP API listens on
 * @param httpPort           HTTP port; 0 picks a free one (see {@link CoordinatorVerticle#actualHttpPort()})
 * @param stateDir           local directory for the target registry ({@code targets.json})
 * @param leaseTimeoutMillis how long a claimed work unit stays with a worker without a heartbeat
 * @param retry              how long a unit failing retryably keeps coming back (attempts and time)
 * @param apiToken           when set, every {@code /api/*} request needs {@code Authorization: Bearer <token>}
 * @param chunkRows          rows per chunk transaction of a copy unit: the most work a crash can undo
 */
public record CoordinatorOptions(String httpHost, int httpPort, Path stateDir, long leaseTimeoutMillis,
                                 RetryPolicy retry, String apiToken, long chunkRows) {

  public static final long DEFAULT_CHUNK_ROWS = 50_000;

  public CoordinatorOptions {
    if (leaseTimeoutMillis <= 0) {
      throw new IllegalArgumentException("leaseTimeoutMillis must be > 0, got " + leaseTimeoutMillis);
    }
    if (retry == null) {
      throw new IllegalArgumentException("retry is required");
    }
    if (stateDir == null) {
      throw new IllegalArgumentException("stateDir is required");
    }
    if (chunkRows <= 0) {
      throw new IllegalArgumentException("chunkRows must be > 0, got " + chunkRows);
    }
  }

  public static CoordinatorOptions defaults() {
    return new CoordinatorOptions("0.0.0.0", 8080, Path.of("ferry-data"), 10_000, RetryPolicy.defaults(), null, DEFAULT_CHUNK_ROWS);
  }

  public CoordinatorOptions withHttpPort(int port) {
    return new CoordinatorOptions(httpHost, port, stateDir, leaseTimeoutMillis, retry, apiToken, chunkRows);
  }

  public CoordinatorOptions withStateDir(Path dir) {
    return new CoordinatorOptions(httpHost, httpPort, dir, leaseTimeoutMillis, retry, apiToken, chunkRows);
  }

  public CoordinatorOptions withApiToken(String token) {
    return new CoordinatorOptions(httpHost, httpPort, stateDir, leaseTimeoutMillis, retry, token, chunkRows);
  }

  public CoordinatorOptions withLeaseTimeoutMillis(long millis) {
    return new CoordinatorOptions(httpHost, httpPort, stateDir, millis, retry, apiToken, chunkRows);
  }
}
