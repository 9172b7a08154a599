package io.ferry.worker.pool;

import io.ferry.protocol.ConnectionFailure;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Secret;
import io.ferry.worker.Failures;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.TargetDialect;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's JDBC connections, kept between unit attempts: one small bounded pool per database and
 * role (source or target), so a unit of a thousand rows does not pay two connection set-ups (TCP,
 * authentication, backend start, session settings), which cost more than copying its rows.
 *
 * <p>What a borrower can rely on:
 * <ul>
 *   <li>A connection is opened by the dialect ({@link SourceDialect#connect} / {@link TargetDialect#connect}),
 *       so its session settings are applied once per physical connection, and it comes back in the
 *       state it was opened in: no open transaction (rolled back on return) and the auto-commit and
 *       read-only setting it was opened with.</li>
 *   <li>A connection on which a bulk transfer (a COPY) started and did not end cleanly (failed, cancelled,
 *       abandoned) is closed on return, never reused: PostgreSQL's cancel request for a COPY is
 *       asynchronous and could otherwise hit the next statement of another unit. So is one that broke
 *       (SQLSTATE class 08, or closed), and one a dialect marked with {@link LentConnection#discardOnReturn}
 *       (session state it created, such as an upsert's temporary staging table). The dialect tells each
 *       lent connection through its {@link LentConnection}.</li>
 *   <li>At most {@code maxPerDatabase} connections per database and role are open at once (a borrower
 *       beyond that waits up to {@code borrowTimeout}, then fails retryably with SQLSTATE 53300); at most
 *       {@code maxIdle} idle connections are kept across all databases (the least recently used is
 *       closed), so a worker that visits hundreds of tenant databases does not hold a connection to each;
 *       an idle connection is closed after {@code idleTimeout}.</li>
 *   <li>A connection idle for longer than {@code validateAfterIdle} is validated ({@code isValid}, one
 *       empty round trip) before it is handed out; a busy worker's connections skip that round trip.</li>
 * </ul>
 *
 * <p>Pools are keyed by role, URL, user and a digest of the resolved password (never the password
 * itself), so a connection authenticated with one job's credentials never serves a job with others.
 */
public final class ConnectionPools implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPools.class);

  /** Opens one physical connection, with its session settings. */
  @FunctionalInterface
  public interface Opener {
    Connection open() throws SQLException;
  }

  /**
   * @param maxPerDatabase    connections open at once per database and role (a worker: its units + 1)
   * @param maxIdle           idle connections kept across all databases; 0 disables pooling
   * @param idleTimeout       an idle connection is closed after this long
   * @param validateAfterIdle a connection idle longer than this is validated before it is handed out
   * @param borrowTimeout     how long a borrower waits for a free connection when a database is at its maximum
   */
  public record Settings(int maxPerDatabase, int maxIdle, Duration idleTimeout, Duration validateAfterIdle,
                         Duration borrowTimeout) {

    public Settings {
      if (maxPerDatabase < 1 || maxIdle < 0) {
        throw new IllegalArgumentException("maxPerDatabase must be positive and maxIdle not negative");
      }
    }

    /** A worker running {@code maxUnits} units at once: units + 1 per database, twice that idle in all. */
    public static Settings forWorker(int maxUnits) {
      return new Settings(maxUnits + 1, 2 * (maxUnits + 1), Duration.ofSeconds(60), Duration.ofSeconds(1),
          Duration.ofSeconds(30));
    }
  }

  /** One pool. {@code secretDigest} tells credentials apart without keeping them. */
  record Key(String role, String url, String user, String secretDigest) {
    /** For messages: a {@code password=} URL parameter is hidden, the digest left out. */
    @Override
    public String toString() {
      return role + " " + Failures.redactUrl(url) + " as " + user;
    }
  }

  /** A physical connection and what the pool knows about it. */
  static final class Physical {
    final Key key;
    final Connection connection;
    final boolean autoCommit;
    final boolean readOnly;
    long idleSince;

    Physical(Key key, Connection connection, boolean autoCommit, boolean readOnly) {
      this.key = key;
      this.connection = connection;
      this.autoCommit = autoCommit;
      this.readOnly = readOnly;
    }
  }

  private static final class Pool {
    /** Most recently returned first: busy pools keep reusing warm connections, the tail ages out. */
    final ArrayDeque<Physical> idle = new ArrayDeque<>();
    int open;
  }

  private final Settings settings;
  private final LongSupplier clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private final Map<Key, Pool> pools = new HashMap<>();
  private final ScheduledExecutorService reaper;
  private int idleCount;
  private boolean closed;

  public ConnectionPools(Settings settings) {
    this(settings, System::nanoTime);
  }

  ConnectionPools(Settings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.clock = nanoClock;
    if (settings.maxIdle() > 0) {
      reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-connection-reaper");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(1000, settings.idleTimeout().toMillis() / 4);
      reaper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
    } else {
      reaper = null;
    }
  }

  /** No pooling: every borrow opens a connection, every return closes it (tools and tests). */
  public static ConnectionPools unpooled() {
    return new ConnectionPools(new Settings(Integer.MAX_VALUE, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
  }

  /** A source connection (the dialect's session settings applied) for {@code spec}. */
  public Connection source(SourceDialect dialect, Endpoint spec) throws SQLException {
    return borrow("source", spec, () -> dialect.connect(spec));
  }

  /** A target connection (auto-commit off) for {@code spec}. */
  public Connection target(TargetDialect dialect, Endpoint spec) throws SQLException {
    return borrow("target", spec, () -> dialect.connect(spec));
  }

  /**
   * A source connection for work beside the units (a job's preflight), which must not wait for them: an idle
   * one, else a new one kept when given back if the pool has room, else one of its own, closed when given back.
   * A preflight on a warm connection skips what a new session pays on its first catalog queries.
   */
  public Connection sourceBeside(SourceDialect dialect, Endpoint spec) throws SQLException {
    return borrow("source", spec, () -> dialect.connect(spec), false);
  }

  /** A target connection (auto-commit off) beside the units, as {@link #sourceBeside}. */
  public Connection targetBeside(TargetDialect dialect, Endpoint spec) throws SQLException {
    return borrow("target", spec, () -> dialect.connect(spec), false);
  }

  /**
   * A connection for {@code spec} in {@code role}; {@code close()} gives it back. Other roles of the same
   * database get other connections (their session set-up differs).
   */
  public Connection borrow(String role, Endpoint spec, Opener opener) throws SQLException {
    return borrow(role, spec, opener, true);
  }

  private Connection borrow(String role, Endpoint spec, Opener opener, boolean wait) throws SQLException {
    Key key = new Key(role, spec.url(), spec.user(), digest(Secret.resolve(spec.password())));
    long deadline = clock.getAsLong() + settings.borrowTimeout().toNanos();
    while (true) {
      Physical reused = null;
      boolean openNew = false;
      boolean own = false;
      lock.lock();
      try {
        if (closed) {
          throw new SQLException("the worker's connection pools are closed", "08003");
        }
        Pool pool = pools.computeIfAbsent(key, k -> new Pool());
        reused = pool.idle.pollFirst();
        if (reused != null) {
          idleCount--;
        } else if (pool.open < settings.maxPerDatabase()) {
          pool.open++;
          openNew = true;
        } else if (!wait) {
          own = true;
        } else {
          long left = deadline - clock.getAsLong();
          if (left <= 0) {
            throw new SQLException("no free connection to " + key + " within " + settings.borrowTimeout().toSeconds()
                + " s: all " + settings.maxPerDatabase() + " are in use", "53300");
          }
          freed.awaitNanos(left);
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for a connection to " + key, "57014");
      } finally {
        lock.unlock();
      }
      if (own) {
        return opener.open();
      }
      if (openNew) {
        return lend(open(key, opener));
      }
      if (usable(reused)) {
        return lend(reused);
      }
      forget(reused);
    }
  }

  private Physical open(Key key, Opener opener) throws SQLException {
    try {
      Connection c = opener.open();
      return new Physical(key, c, c.getAutoCommit(), c.isReadOnly());
    } catch (SQLException e) {
      release(key);
      // A unit's error should say what happened (the driver says "The connection attempt failed."); the
      // SQLSTATE and the cause stay, so a retryable failure is still retried.
      String reason = ConnectionFailure.reason(e, key.url(), key.user(), "this worker");
      throw reason == null ? e : new SQLException("cannot connect to the " + key + ": " + reason, e.getSQLState(), e);
    } catch (RuntimeException e) {
      release(key);
      throw e;
    }
  }

  private boolean usable(Physical p) {
    long idleNanos = clock.getAsLong() - p.idleSince;
    if (idleNanos < settings.validateAfterIdle().toNanos()) {
      return true;
    }
    try {
      return p.connection.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private Connection lend(Physical p) {
    return (Connection) Proxy.newProxyInstance(ConnectionPools.class.getClassLoader(),
        new Class<?>[] {Connection.class, LentConnection.class}, new PooledConnection(p, this));
  }

  /**
   * Takes a lent connection back: resets it and keeps it, or closes it when it must not be reused.
   * Called once per lending, by {@link PooledConnection#close}.
   */
  void giveBack(Physical p, boolean discard) {
    if (discard || !reset(p)) {
      forget(p);
      return;
    }
    List<Physical> evicted = new ArrayList<>();
    lock.lock();
    try {
      if (closed || settings.maxIdle() == 0) {
        evicted.add(p);
        leave(p.key);
      } else {
        p.idleSince = clock.getAsLong();
        pools.get(p.key).idle.addFirst(p);
        idleCount++;
        while (idleCount > settings.maxIdle()) {
          evicted.add(takeLeastRecentlyUsed());
        }
      }
      freed.signalAll();
    } finally {
      lock.unlock();
    }
    evicted.forEach(ConnectionPools::closeQuietly);
  }

  /** Back to the state the connection was opened in; false when that failed (the connection is dropped). */
  private static boolean reset(Physical p) {
    try {
      Connection c = p.connection;
      if (c.isClosed()) {
        return false;
      }
      if (!c.getAutoCommit()) {
        c.rollback(); // PgJDBC sends nothing when no transaction is open
      }
      if (c.getAutoCommit() != p.autoCommit) {
        c.setAutoCommit(p.autoCommit);
      }
      if (c.isReadOnly() != p.readOnly) {
        c.setReadOnly(p.readOnly); // a preflight reads its source read-only
      }
      c.clearWarnings();
      return true;
    } catch (SQLException e) {
      LOG.debug("dropping a {} connection that could not be reset: {}", p.key, e.getMessage());
      return false;
    }
  }

  /** Closes a connection that leaves the pool for good and frees its place. */
  private void forget(Physical p) {
    closeQuietly(p);
    release(p.key);
  }

  private void release(Key key) {
    lock.lock();
    try {
      leave(key);
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** One connection of {@code key} closed; caller holds the lock. A pool with nothing open is forgotten. */
  private void leave(Key key) {
    Pool pool = pools.get(key);
    pool.open--;
    if (pool.open == 0) {
      pools.remove(key);
    }
  }

  /** Caller holds the lock and knows there is an idle connection. */
  private Physical takeLeastRecentlyUsed() {
    Pool oldestPool = null;
    for (Pool pool : pools.values()) {
      Physical last = pool.idle.peekLast();
      if (last != null && (oldestPool == null || last.idleSince < oldestPool.idle.peekLast().idleSince)) {
        oldestPool = pool;
      }
    }
    Physical p = oldestPool.idle.pollLast();
    oldestPool.open--;
    idleCount--;
    return p;
  }

  /** Closes connections idle for longer than the idle timeout (run by the reaper thread). */
  void closeExpired() {
    List<Physical> expired = new ArrayList<>();
    lock.lock();
    try {
      long limit = clock.getAsLong() - settings.idleTimeout().toNanos();
      for (Pool pool : pools.values()) {
        while (!pool.idle.isEmpty() && pool.idle.peekLast().idleSince <= limit) {
          expired.add(pool.idle.pollLast());
          pool.open--;
          idleCount--;
        }
      }
      pools.values().removeIf(pool -> pool.open == 0);
    } finally {
      lock.unlock();
    }
    expired.forEach(ConnectionPools::closeQuietly);
  }

  /** Connections open for {@code role} on {@code spec}'s database (lent + idle), for tests and metrics. */
  public int openConnections(String role, Endpoint spec) {
    Key key = new Key(role, spec.url(), spec.user(), digest(Secret.resolve(spec.password())));
    lock.lock();
    try {
      Pool pool = pools.get(key);
      return pool == null ? 0 : pool.open;
    } finally {
      lock.unlock();
    }
  }

  /** Idle connections kept, across all databases. */
  public int idleConnections() {
    lock.lock();
    try {
      return idleCount;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    List<Physical> idle = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      for (Pool pool : pools.values()) {
        pool.open -= pool.idle.size();
        idle.addAll(pool.idle);
        pool.idle.clear();
      }
      idleCount = 0;
      freed.signalAll();
    } finally {
      lock.unlock();
    }
    if (reaper != null) {
      reaper.shutdownNow();
    }
    idle.forEach(ConnectionPools::closeQuietly);
  }

  private static void closeQuietly(Physical p) {
    try {
      p.connection.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("closing a {} connection: {}", p.key, e.getMessage());
    }
  }

  private static String digest(String password) {
    if (password == null) {
      return "";
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
