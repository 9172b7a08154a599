package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The coordinator's one connection per target, against a real PostgreSQL whose sessions are cut. */
class TargetConnectionsTest {

  private static final TestPostgres PG = new TestPostgres();
  private static String database;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = PG.createDatabase("target_conn");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    PG.close();
  }

  @Test
  void aSessionTheServerEndedIsReplacedOnNextUse() throws Exception {
    Target target = new Target("postgresql", PG.url(database), PG.user(), PG.password());
    try (TargetConnections connections = new TargetConnections()) {
      int first = connections.with(target, TargetConnectionsTest::backendPid);
      terminate(first);

      // What the coordinator's state writes see after a database restart: the next write still lands.
      int second = connections.with(target, TargetConnectionsTest::backendPid);

      assertThat(second).isNotEqualTo(first);
      assertThat(connections.with(target, TargetConnectionsTest::backendPid)).as("the new session is kept").isEqualTo(second);
    }
  }

  private static int backendPid(Connection c) throws java.sql.SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void terminate(int pid) throws Exception {
    try (Connection admin = PG.connect(database);
         PreparedStatement st = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      st.setInt(1, pid);
      st.execute();
    }
    Thread.sleep(200); // the server ends the session asynchronously
  }
}
