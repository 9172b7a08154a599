package io.ferry.worker.pool;

import java.sql.Connection;

/**
 * What a dialect tells a connection lent by {@link ConnectionPools} about the state it leaves on it, so
 * that the pool lends it again only when that state is clean. Every connection a pool lends implements
 * it, and the state is the lending's own: it is gone with the connection when the connection is given
 * back. Engine-neutral: a bulk transfer is PostgreSQL's COPY as much as SQL Server's bulk copy.
 */
public interface LentConnection {

  /** For a connection opened outside a pool: closed after use anyway, there is nothing to tell. */
  LentConnection UNPOOLED = new LentConnection() {
    @Override
    public void bulkStarted() {
    }

    @Override
    public void bulkEnded() {
    }

    @Override
    public void discardOnReturn() {
    }
  };

  /** The lending of {@code connection}, or {@link #UNPOOLED} for a connection no pool lent. */
  static LentConnection of(Connection connection) {
    return connection instanceof LentConnection lent ? lent : UNPOOLED;
  }

  /**
   * A bulk transfer starts: until {@link #bulkEnded} says it ended cleanly, the connection is closed on
   * return, never lent again, because a transfer cut short (failed, cancelled, abandoned) leaves the
   * protocol in a state the next borrower must not inherit (PostgreSQL's cancel request is asynchronous
   * and could hit the next unit's statement).
   */
  void bulkStarted();

  /** The bulk transfer ended cleanly: all its data exchanged, no error. */
  void bulkEnded();

  /** The connection carries session state of its own (an upsert's staging table): closed on return. */
  void discardOnReturn();
}
