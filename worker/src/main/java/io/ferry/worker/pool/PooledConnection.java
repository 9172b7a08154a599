package io.ferry.worker.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;

/**
 * One lending of a pooled connection, behind a proxy that is both a {@link java.sql.Connection} and its
 * {@link LentConnection}: {@code close()} gives the connection back (once), and every call after that
 * fails, so a unit cannot touch a connection that another unit holds by then. {@code unwrap} reaches the
 * driver's own connection (PgJDBC's COPY API), which is why a bulk transfer is reported by the dialect
 * through {@link LentConnection} rather than observed here.
 */
final class PooledConnection implements InvocationHandler, LentConnection {

  private final ConnectionPools.Physical physical;
  private final ConnectionPools pools;
  private boolean returned;
  private boolean discard;
  /** Bulk transfers started and not yet ended cleanly. */
  private int transfers;

  PooledConnection(ConnectionPools.Physical physical, ConnectionPools pools) {
    this.physical = physical;
    this.pools = pools;
  }

  @Override
  public void discardOnReturn() {
    discard = true;
  }

  @Override
  public void bulkStarted() {
    transfers++;
  }

  @Override
  public void bulkEnded() {
    transfers = Math.max(0, transfers - 1);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == LentConnection.class) {
      return method.invoke(this, args);
    }
    switch (method.getName()) {
      case "close" -> {
        if (!returned) {
          returned = true;
          pools.giveBack(physical, discard || transfers > 0);
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
