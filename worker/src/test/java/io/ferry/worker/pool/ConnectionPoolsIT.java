package io.ferry.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.postgres.PostgresSource;
import io.ferry.worker.postgres.PostgresTarget;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker's connection pools against a real PostgreSQL: what comes back out of a pool, and what never does. */
class ConnectionPoolsIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final PostgresSource SOURCE = new PostgresSource();
  private static final PostgresTarget TARGET = new PostgresTarget();
  private static Endpoint db;
  private static Endpoint otherDb;

  @BeforeAll
  static void databases() throws SQLException {
    db = DBS.connection(DBS.create("pool"));
    otherDb = DBS.connection(DBS.create("pool_other"));
    try (Connection c = DBS.open(db.url()); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE items (id bigint PRIMARY KEY, v text)");
      st.execute("INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g");
    }
  }

  @AfterAll
  static void drop() throws SQLException {
    DBS.close();
  }

  private static ConnectionPools pools(int maxPerDatabase, int maxIdle, Duration validateAfterIdle) {
    return new ConnectionPools(new ConnectionPools.Settings(maxPerDatabase, maxIdle, Duration.ofSeconds(60),
        validateAfterIdle, Duration.ofMillis(300)));
  }

  @Test
  void aConnectionThatCannotOpenSaysWhyAndStaysRetryable() {
    Endpoint nowhere = new Endpoint("postgresql", "jdbc:postgresql://127.0.0.1:1/x", "bob", null);
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      assertThatThrownBy(() -> pools.source(SOURCE, nowhere))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"))
          .hasMessage("cannot connect to the source jdbc:postgresql://127.0.0.1:1/x as bob: nothing accepts connections at"
              + " 127.0.0.1:1 (connection refused: no server listens there, or a firewall rejects the connection); a loopback"
              + " address reaches the machine this worker runs on: with the cluster on several machines, give the"
              + " database's network address");
      assertThat(pools.openConnections("source", nowhere)).isZero();
    }
  }

  @Test
  void reusesATargetConnectionWithItsOpenTransactionRolledBack() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (Connection t = pools.target(TARGET, db)) {
        assertThat(t.getAutoCommit()).isFalse();
        pid = pid(t);
        t.createStatement().execute("CREATE TABLE left_open (x int)"); // never committed
      }
      try (Connection t = pools.target(TARGET, db)) {
        assertThat(pid(t)).as("the same backend").isEqualTo(pid);
        assertThat(t.getAutoCommit()).isFalse();
        assertThat(string(t, "SELECT to_regclass('left_open')::text")).as("rolled back on return").isNull();
        assertThat(string(t, "SELECT txid_current_if_assigned()::text")).isNull();
      }
      assertThat(pools.openConnections("target", db)).isEqualTo(1);
      assertThat(pools.idleConnections()).isEqualTo(1);
    }
  }

  @Test
  void reusesASourceConnectionWithItsSessionSettingsAndAutoCommitRestored() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (Connection s = pools.source(SOURCE, db)) {
        pid = pid(s);
        try (CopySource in = SOURCE.openCopy(s, read(null), CopyFormat.BINARY)) {
          while (in.read() != null) {
            // read to the end: the COPY ends cleanly
          }
        }
        assertThat(s.getAutoCommit()).as("the COPY is its own transaction").isTrue();
        // What a borrower may leave behind: an open transaction of another isolation, autocommit off.
        s.setAutoCommit(false);
        try (java.sql.Statement st = s.createStatement()) {
          st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        }
      }
      try (Connection s = pools.source(SOURCE, db)) {
        assertThat(pid(s)).isEqualTo(pid);
        assertThat(s.getAutoCommit()).isTrue();
        assertThat(string(s, "SHOW DateStyle")).isEqualTo("ISO, YMD");
        assertThat(string(s, "SHOW TimeZone")).isEqualTo("UTC");
        assertThat(string(s, "SHOW transaction_isolation")).isEqualTo("read committed");
      }
    }
  }

  @Test
  void closesASourceConnectionWhoseCopyWasCancelledInsteadOfReusingIt() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (Connection s = pools.source(SOURCE, db)) {
        pid = pid(s); // (a statement during the COPY would wait for it forever)
        CopySource in = SOURCE.openCopy(s, read(null), CopyFormat.BINARY);
        assertThat(in.read()).isNotNull();
        in.close(); // abandoned after the first block: cancelled
      }
      assertThat(pools.openConnections("source", db)).isZero();
      try (Connection s = pools.source(SOURCE, db)) {
        assertThat(pid(s)).isNotEqualTo(pid);
      }
      assertThat(backendGone(pid)).isTrue();
    }
  }

  @Test
  void closesATargetConnectionWhoseCopyFailed() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (Connection t = pools.target(TARGET, db)) {
        pid = pid(t);
        var writer = TARGET.openChunk(t, new TableName("public", "items"), List.of("id", "v"));
        writer.write(new byte[] {1, 2, 3}, 0, 3); // not binary COPY: the server refuses it at the end
        assertThatThrownBy(writer::end).isInstanceOf(SQLException.class);
        t.rollback();
      }
      assertThat(pools.openConnections("target", db)).isZero();
      try (Connection t = pools.target(TARGET, db)) {
        assertThat(pid(t)).isNotEqualTo(pid);
      }
    }
  }

  @Test
  void reusesATargetConnectionWhoseCopyEndedCleanly() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (java.sql.Connection t = pools.target(TARGET, db)) {
        pid = pid(t);
        var writer = TARGET.openChunk(t, new ChunkRequest(new TableName("public", "items"), List.of("id", "v"),
            CopyFormat.TEXT, null, null));
        byte[] row = "-1\tclean\n".getBytes(StandardCharsets.UTF_8);
        writer.write(row, 0, row.length);
        assertThat(writer.end()).isEqualTo(1);
        t.rollback();
      }
      try (java.sql.Connection t = pools.target(TARGET, db)) {
        assertThat(pid(t)).as("the same backend: its COPY ended").isEqualTo(pid);
      }
    }
  }

  @Test
  void closesATargetConnectionGivenBackInTheMiddleOfACopy() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (java.sql.Connection t = pools.target(TARGET, db)) {
        pid = pid(t);
        var writer = TARGET.openChunk(t, new ChunkRequest(new TableName("public", "items"), List.of("id", "v"),
            CopyFormat.TEXT, null, null));
        byte[] row = "-2\tcut short\n".getBytes(StandardCharsets.UTF_8);
        writer.write(row, 0, row.length); // neither ended nor cancelled: the unit died mid-chunk
      }
      assertThat(pools.openConnections("target", db)).isZero();
      assertThat(pools.idleConnections()).isZero();
      assertThat(backendGone(pid)).isTrue();
    }
  }

  @Test
  void aLentConnectionCarriesItsLendingAndAnUnpooledOneNone() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60));
         java.sql.Connection lent = pools.target(TARGET, db);
         java.sql.Connection own = TARGET.connect(db)) {
      assertThat(lent).isInstanceOf(LentConnection.class);
      assertThat(LentConnection.of(lent)).isSameAs(lent);
      assertThat(LentConnection.of(own)).isSameAs(LentConnection.UNPOOLED);
      LentConnection.of(own).bulkStarted(); // nothing to tell: the caller closes it
      assertThat(own.isClosed()).isFalse();
    }
  }

  @Test
  void closesAConnectionMarkedForDiscard() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (Connection t = pools.target(TARGET, db)) {
        pid = pid(t);
        LentConnection.of(t).discardOnReturn();
      }
      try (Connection t = pools.target(TARGET, db)) {
        assertThat(pid(t)).isNotEqualTo(pid);
      }
    }
  }

  @Test
  void replacesAnIdleConnectionWhoseBackendWasTerminated() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ZERO)) {
      int pid;
      try (Connection t = pools.target(TARGET, db)) {
        pid = pid(t);
      }
      try (Connection admin = DBS.open(db.url()); Statement st = admin.createStatement()) {
        st.execute("SELECT pg_terminate_backend(" + pid + ")");
      }
      assertThat(backendGone(pid)).isTrue();
      try (Connection t = pools.target(TARGET, db)) {
        assertThat(pid(t)).as("validated on borrow, replaced").isNotEqualTo(pid);
      }
      assertThat(pools.openConnections("target", db)).isEqualTo(1);
    }
  }

  @Test
  void aConnectionCannotBeUsedAfterItWasGivenBack() throws Exception {
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      Connection t = pools.target(TARGET, db);
      t.close();
      t.close(); // twice is harmless
      assertThat(t.isClosed()).isTrue();
      assertThatThrownBy(t::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("given back");
      assertThat(pools.idleConnections()).isEqualTo(1);
    }
  }

  @Test
  void opensAtMostMaxPerDatabaseAndABorrowerWaitsForAReturn() throws Exception {
    try (ConnectionPools pools = pools(2, 6, Duration.ofSeconds(60))) {
      Connection a = pools.target(TARGET, db);
      Connection b = pools.target(TARGET, db);
      assertThatThrownBy(() -> pools.target(TARGET, db)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
      // Other databases and roles have their own bounds.
      try (Connection other = pools.target(TARGET, otherDb); Connection s = pools.source(SOURCE, db)) {
        assertThat(pid(other)).isPositive();
        assertThat(pid(s)).isPositive();
      }
      int pidOfA = pid(a);
      CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
        try (Connection c = pools.target(TARGET, db)) {
          return pid(c);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(50);
      a.close();
      assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(pidOfA);
      b.close();
      assertThat(pools.openConnections("target", db)).isEqualTo(2);
    }
  }

  @Test
  void aConnectionBesideTheUnitsNeverWaitsAndIsPooledOnlyWithinTheBound() throws Exception {
    try (ConnectionPools pools = pools(1, 6, Duration.ofSeconds(60))) {
      int pooledPid;
      try (Connection preflight = pools.sourceBeside(SOURCE, db)) {
        pooledPid = pid(preflight);
        preflight.setReadOnly(true);
      }
      try (Connection unit = pools.source(SOURCE, db)) {
        assertThat(pid(unit)).as("the preflight's connection, warm").isEqualTo(pooledPid);
        assertThat(unit.isReadOnly()).as("read-only reset on return").isFalse();
        // The pool is at its bound: a connection beside the units is its own, closed when given back.
        int ownPid;
        try (Connection preflight = pools.sourceBeside(SOURCE, db); Connection target = pools.targetBeside(TARGET, db)) {
          ownPid = pid(preflight);
          assertThat(ownPid).isNotEqualTo(pooledPid);
          assertThat(target.getAutoCommit()).isFalse();
        }
        assertThat(backendGone(ownPid)).isTrue();
        assertThat(pools.openConnections("source", db)).isEqualTo(1);
      }
    }
  }

  @Test
  void keepsAtMostMaxIdleConnectionsAcrossDatabasesClosingTheLeastRecentlyUsed() throws Exception {
    try (ConnectionPools pools = pools(3, 1, Duration.ofSeconds(60))) {
      Connection first = pools.target(TARGET, db);
      Connection second = pools.target(TARGET, otherDb);
      int firstPid = pid(first);
      first.close();
      second.close();
      assertThat(pools.idleConnections()).isEqualTo(1);
      assertThat(pools.openConnections("target", db)).isZero();
      assertThat(pools.openConnections("target", otherDb)).isEqualTo(1);
      assertThat(backendGone(firstPid)).isTrue();
    }
  }

  @Test
  void closesConnectionsIdleLongerThanTheIdleTimeout() throws Exception {
    AtomicLong now = new AtomicLong(0);
    ConnectionPools.Settings settings = new ConnectionPools.Settings(3, 6, Duration.ofSeconds(60), Duration.ofSeconds(1),
        Duration.ofMillis(300));
    try (ConnectionPools pools = new ConnectionPools(settings, now::get)) {
      int pid;
      try (Connection t = pools.target(TARGET, db)) {
        pid = pid(t);
      }
      now.addAndGet(Duration.ofSeconds(59).toNanos());
      pools.closeExpired();
      assertThat(pools.idleConnections()).isEqualTo(1);
      now.addAndGet(Duration.ofSeconds(2).toNanos());
      pools.closeExpired();
      assertThat(pools.idleConnections()).isZero();
      assertThat(pools.openConnections("target", db)).isZero();
      assertThat(backendGone(pid)).isTrue();
    }
  }

  @Test
  void neverSharesAConnectionBetweenDifferentCredentials() throws Exception {
    // Trust authentication accepts any password: what matters is that the pool tells them apart.
    Endpoint withA = new Endpoint("postgresql", db.url(), db.user(), "password-a");
    Endpoint withB = new Endpoint("postgresql", db.url(), db.user(), "password-b");
    try (ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60))) {
      int pid;
      try (Connection t = pools.target(TARGET, withA)) {
        pid = pid(t);
      }
      try (Connection t = pools.target(TARGET, withB)) {
        assertThat(pid(t)).isNotEqualTo(pid);
      }
      assertThat(pools.openConnections("target", withA)).isEqualTo(1);
      assertThat(pools.openConnections("target", withB)).isEqualTo(1);
    }
  }

  @Test
  void closingThePoolsClosesIdleConnectionsAndConnectionsGivenBackLater() throws Exception {
    ConnectionPools pools = pools(3, 6, Duration.ofSeconds(60));
    Connection lent = pools.target(TARGET, db);
    int idlePid;
    try (Connection t = pools.target(TARGET, db)) {
      idlePid = pid(t);
    }
    int lentPid = pid(lent);
    pools.close();
    assertThat(backendGone(idlePid)).isTrue();
    lent.close();
    assertThat(backendGone(lentPid)).isTrue();
    assertThatThrownBy(() -> pools.target(TARGET, db)).isInstanceOf(SQLException.class);
  }

  private static RangeRead read(List<String> resumeAfter) {
    return new RangeRead(new TableName("public", "items"), List.of("id", "v"), null, null, resumeAfter, null);
  }

  private static int pid(Connection c) throws SQLException {
    return Integer.parseInt(string(c, "SELECT pg_backend_pid()"));
  }

  private static String string(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Whether the backend has left (a closed connection's backend exits shortly after the client goes). */
  private static boolean backendGone(int pid) throws Exception {
    try (Connection admin = DBS.open(db.url())) {
      long deadline = System.currentTimeMillis() + 5000;
      while (System.currentTimeMillis() < deadline) {
        if (string(admin, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).equals("0")) {
          return true;
        }
        Thread.sleep(20);
      }
      return false;
    }
  }
}
