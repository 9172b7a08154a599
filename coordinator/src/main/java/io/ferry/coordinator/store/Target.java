package io.ferry.coordinator.store;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Secret;
import java.util.Locale;

/**
 * A job's target database as the coordinator's store reaches it: its engine (as the job spec names it)
 * picks the store's SQL. {@code password} is as written in the spec: a reference, resolved in this process
 * at each connect, or a literal (kept in memory only).
 */
public record Target(String engine, String url, String user, String password) {

  public Target {
    // A target recorded without an engine is PostgreSQL, the engine every such record was written for.
    engine = engine == null || engine.isBlank() ? "postgresql" : engine.toLowerCase(Locale.ROOT);
  }

  /** The target a job spec's {@code target} names. */
  public static Target of(Endpoint endpoint) {
    return new Target(endpoint.engine(), endpoint.url(), endpoint.user(), endpoint.password());
  }

  /** Targets with the same URL and user share a connection. */
  public String connectionKey() {
    return url + "\u0000" + user;
  }

  /** The store's statements in this target's engine. */
  StoreSql sql() {
    return StoreSql.of(engine);
  }

  @Override
  public String toString() {
    return "Target[" + engine + " " + url + " as " + user + ", password "
        + (password == null ? "none" : Secret.redact(password)) + "]";
  }
}
