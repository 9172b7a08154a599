package io.ferry.worker.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;

/**
 * One lending of a pooled connection, behind a {@link java.sql.Connection} proxy: {@code close()} gives
 * the connection back (once), and every call after that fails, so a unit cannot touch a connection that
 * another unit holds by then. {@code unwrap} reaches the driver's own connection (PgJDBC's COPY API),
 * which is why COPY state is reported by the dialect ({@link ConnectionPools#copyStarted}) rather than
 * observed here.
 */
final class PooledConnection implements InvocationHandler {

  private final ConnectionPools.Physical physical;
  private final ConnectionPools pools;
  private boolean returned;
  private boolean discard;
  private int copies;

  PooledConnection(ConnectionPools.Physical physical, ConnectionPools pools) {
    this.physical = physical;
    this.pools = pools;
  }

  /** The lending behind a connection handed out by a pool, or null for any other connection. */
  static PooledConnection of(java.sql.Connection connection) {
    if (connection != null && Proxy.isProxyClass(connection.getClass())
        && Proxy.getInvocationHandler(connection) instanceof PooledConnection pooled) {
      return pooled;
    }
    return null;
  }

  void discardOnReturn() {
    discard = true;
  }

  void copyStarted() {
    copies++;
  }

  void copyEnded() {
    copies = Math.max(0, copies - 1);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "close" -> {
        if (!returned) {
          returned = true;
          pools.giveBack(physical, discard || copies > 0);
        }
        return null;
      }
      case "isClosed" -> {
        return returned || physical.connection.isClosed();
      }
      case "abort" -> {
        discard = true;
        if (!returned) {
          returned = true;
          try {
            physical.connection.abort((java.util.concurrent.Executor) args[0]);
          } finally {
            pools.giveBack(physical, true);
          }
        }
        return null;
      }
      case "equals" -> {
        return proxy == args[0];
      }
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "toString" -> {
        return "pooled " + physical.key + (returned ? " (returned)" : "");
      }
      default -> {
        if (returned) {
          throw new SQLException("this connection was given back to the pool", "08003");
        }
        try {
          return method.invoke(physical.connection, args);
        } catch (InvocationTargetException e) {
          Throwable cause = e.getCause();
          if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
            discard = true; // the connection itself failed
          }
          throw cause;
        }
      }
    }
  }
}
