package io.ferry.protocol.spec;

import java.util.Locale;

/**
 * A database a worker connects to: its engine (as a job spec names it, e.g. {@code postgresql}) and a JDBC
 * URL with credentials. {@code password} is as written in the spec (literal or reference);
 * {@link Secret#resolve} turns it into the real one in the process that connects.
 */
public record Endpoint(String engine, String url, String user, String password) {

  /** The engine a spec names when it names none. */
  private static final String DEFAULT_ENGINE = "postgresql";

  public Endpoint {
    // An endpoint written without an engine names PostgreSQL, the engine every such record was written for.
    engine = engine == null || engine.isBlank() ? DEFAULT_ENGINE : engine.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "Endpoint[" + engine + " " + url + " as " + user + "]";
  }
}
