package io.ferry.coordinator.store;

import io.ferry.protocol.spec.Secret;

/**
 * A job's target database as the coordinator's store reaches it. {@code password} is as written in the
 * spec: a reference, resolved in this process at each connect, or a literal (kept in memory only).
 */
public record Target(String url, String user, String password) {

  /** Targets with the same URL and user share a connection. */
  public String connectionKey() {
    return url + "\u0000" + user;
  }

  @Override
  public String toString() {
    return "Target[" + url + " as " + user + ", password " + (password == null ? "none" : Secret.redact(password)) + "]";
  }
}
