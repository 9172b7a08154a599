package io.ferry.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One benchmark run at a time per PostgreSQL server: two runs sharing the server's two cores would
 * each measure the other's load, and a run rebuilding a source table would pull it from under the
 * other. A session-level advisory lock on the server, held by one connection for the whole run: a
 * second run waits for it, and the lock goes away with the connection even if the run is killed.
 */
final class BenchLock implements AutoCloseable {

  /** Any fixed number; "ferrybnc" in ASCII. */
  static final long KEY = 0x6665727279626e63L;

  private final Connection connection;

  private BenchLock(Connection connection) {
    this.connection = connection;
  }

  static BenchLock acquire(BenchData data) throws SQLException {
    Connection c = data.connect("postgres");
    try (Statement st = c.createStatement()) {
      if (!tryLock(st)) {
        System.out.println("another benchmark run holds the lock on this PostgreSQL server; waiting for it to end");
        long started = System.nanoTime();
        st.execute("SELECT pg_advisory_lock(" + KEY + ")");
        System.out.printf("lock acquired after %.0f s%n", (System.nanoTime() - started) / 1e9);
      }
      return new BenchLock(c);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static boolean tryLock(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
