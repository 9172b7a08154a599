package io.ferry.coordinator.store;

import io.ferry.protocol.spec.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JDBC connection per target (URL + user), opened with its engine's settings, used by one thread at a
 * time. The coordinator's store traffic is small (a row per unit transition), so a pool would only add idle connections to every
 * target. Callers are Hazelcast partition threads, the unit recorder's thread and Vert.x blocking
 * threads, never an event loop.
 * A connection that failed is closed and opened again on next use.
 */
public final class TargetConnections implements AutoCloseable {

  /** Work done on a target connection (autocommit on; set it off for a transaction and restore it). */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    Connection connection;
  }

  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  public <T> T with(Target target, Work<T> work) throws SQLException {
    Slot slot = slots.computeIfAbsent(target.connectionKey(), k -> new Slot());
    slot.lock.lock();
    try {
      boolean fresh = slot.connection == null;
      if (fresh) {
        slot.connection = open(target);
      }
      try {
        return work.run(slot.connection);
      } catch (SQLException e) {
        closeQuietly(slot);
        // A connection cut while idle (server restart, an administrator terminating backends) shows up
        // as an error on first use: try once more on a new connection. Anything else is the caller's.
        if (!fresh && isConnectionError(e)) {
          slot.connection = open(target);
          return work.run(slot.connection);
        }
        throw e;
      }
    } finally {
      slot.lock.unlock();
    }
  }

  /** Opens a throw-away connection: checks that the target is reachable with these credentials. */
  public void check(Target target) throws SQLException {
    try (Connection c = open(target)) {
      c.createStatement().execute("SELECT 1");
    }
  }

  private static Connection open(Target target) throws SQLException {
    Properties props = target.sql().connectionProperties();
    props.setProperty("user", target.user());
    String password;
    try {
      password = Secret.resolve(target.password());
    } catch (IllegalArgumentException e) {
      throw new SQLException("target password: " + e.getMessage(), "28000");
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(target.url(), props);
  }

  /**
   * 08: connection exception (mssql-jdbc: 08S01); 57P01/57P02: PostgreSQL ended the session (terminated,
   * shutting down).
   */
  static boolean isConnectionError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02"));
  }

  private static void closeQuietly(Slot slot) {
    if (slot.connection != null) {
      try {
        slot.connection.close();
      } catch (SQLException ignored) {
        // closing a broken connection: nothing to do
      }
      slot.connection = null;
    }
  }

  @Override
  public void close() {
    slots.values().forEach(s -> {
      s.lock.lock();
      try {
        closeQuietly(s);
      } finally {
        s.lock.unlock();
      }
    });
  }
}
