package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Failures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prepare and finish statements wait a bounded time for table locks, and only within their transaction. */
class PostgresTargetIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static String url;

  @BeforeAll
  static void database() throws SQLException {
    url = DBS.create("target_locks");
  }

  @AfterAll
  static void drop() throws SQLException {
    DBS.close();
  }

  @Test
  void aStatementBlockedByAnOpenTransactionFailsRetryablyInsteadOfQueueingEveryoneBehindIt() throws Exception {
    try (Connection writer = DBS.open(url); Connection finisher = DBS.open(url)) {
      writer.setAutoCommit(false);
      finisher.setAutoCommit(false);
      try (Statement st = writer.createStatement()) {
        st.execute("CREATE TABLE items (id bigint, v text)");
        writer.commit();
        st.execute("INSERT INTO items VALUES (1, 'uncommitted, as a frozen worker leaves it')");
      }
      new PostgresTarget().boundLockWaits(finisher);
      assertThat(setting(finisher, "lock_timeout")).isEqualTo("30s");
      // The bound is what makes the statement give up; a shorter one keeps the test short.
      try (Statement st = finisher.createStatement()) {
        st.execute("SET LOCAL lock_timeout = '200ms'");
        assertThatThrownBy(() -> st.execute("ALTER TABLE items ADD PRIMARY KEY (id)"))
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(Failures.retryable(e)).as("retryable: %s", e.getMessage()).isTrue());
      }
      finisher.rollback();
      assertThat(setting(finisher, "lock_timeout")).as("the bound ends with the transaction").isEqualTo("0");
      writer.rollback();
    }
  }

  /**
   * A translated default's function is looked up as the DDL's call would resolve it; the problem names the
   * server's version and how to get the function ({@code gen_random_uuid()} is built in from PostgreSQL 13).
   */
  @Test
  void functionsTheTargetCannotCallAreNamedWithTheServersVersion() throws Exception {
    try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
      st.execute("CREATE FUNCTION public.ferry_made_here() RETURNS int LANGUAGE sql AS 'SELECT 1'");
      Map<String, String> missing = new PostgresTarget().missingFunctions(c,
          List.of("gen_random_uuid()", "ferry_made_here()", "ferry_not_here()"));
      assertThat(missing).containsOnlyKeys("ferry_not_here()");
      assertThat(missing.get("ferry_not_here()")).startsWith("the target is PostgreSQL " + setting(c, "server_version"));
    }
    assertThat(PostgresTarget.howToProvide("gen_random_uuid()", "12.19")).isEqualTo("the target is PostgreSQL 12.19,"
        + " which has it built in from version 13 on: use a PostgreSQL 13 or later target, or run CREATE EXTENSION"
        + " pgcrypto in the target database (it provides gen_random_uuid() on older servers)");
  }

  private static String setting(Connection c, String name) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
