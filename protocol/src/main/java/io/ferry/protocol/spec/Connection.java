package io.ferry.protocol.spec;

/**
 * A JDBC URL with credentials. {@code password} is as written in the spec (literal or reference);
 * {@link Secret#resolve} turns it into the real one in the process that connects.
 */
public record Connection(String url, String user, String password) {

  @Override
  public String toString() {
    return "Connection[" + url + " as " + user + "]";
  }
}
