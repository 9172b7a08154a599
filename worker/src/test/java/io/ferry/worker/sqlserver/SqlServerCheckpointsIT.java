package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.unit.Checkpoint;
import io.ferry.worker.dialect.RejectedRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the SQL Server checkpoint store adds to the contract: workers racing to create the schema of one
 * target, ids that a case-insensitive database would confuse, text beyond the database's code page, and
 * row keys longer than an index key may be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerCheckpointsIT {

  private static final String JOB = "job-ckpt";

  private final SqlServerDatabases dbs = new SqlServerDatabases();
  private String url;

  @BeforeAll
  void create() throws SQLException {
    url = dbs.create("ckpt_store");
  }

  @AfterAll
  void drop() throws SQLException {
    dbs.close();
  }

  private Connection connect() throws SQLException {
    return connect(url);
  }

  private Connection connect(String database) throws SQLException {
    Connection c = dbs.open(database);
    c.setAutoCommit(false);
    return c;
  }

  /** Each worker process has its own store; CREATE SCHEMA has no IF NOT EXISTS, so they must take turns. */
  @Test
  void workersCreatingTheSchemaAtOnceAllSucceed() throws Exception {
    String fresh = dbs.create("ckpt_race");
    int workers = 6;
    CyclicBarrier start = new CyclicBarrier(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<Boolean>> done = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        Callable<Boolean> ensure = () -> {
          try (Connection c = connect(fresh)) {
            start.await();
            new SqlServerCheckpoints().ensureSchema(c);
            return true;
          }
        };
        done.add(pool.submit(ensure));
      }
      for (Future<Boolean> f : done) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = connect(fresh)) {
      SqlServerCheckpoints store = new SqlServerCheckpoints();
      assertThat(store.takeOverAndBegin(c, JOB, "unit-raced", 1)).isPresent();
      c.rollback();
    }
  }

  @Test
  void unitsWhoseIdsDifferOnlyInCaseKeepTheirOwnCheckpoints() throws SQLException {
    SqlServerCheckpoints store = new SqlServerCheckpoints();
    try (Connection c = connect()) {
      store.ensureSchema(c);
      String lower = "copy:a:dbo.items:0000";
      String upper = "copy:A:dbo.items:0000";
      assertThat(store.writeAndCommit(c, new Checkpoint(JOB, lower, 1, List.of("x"), 5, 50, 1, false), true)).isTrue();
      assertThat(store.writeAndCommit(c, new Checkpoint(JOB, upper, 1, List.of("y"), 7, 70, 1, false), false)).isTrue();
      assertThat(store.read(c, JOB, lower)).hasValueSatisfying(cp -> assertThat(cp.rows()).isEqualTo(5));
      assertThat(store.read(c, JOB, upper)).hasValueSatisfying(cp -> assertThat(cp.rows()).isEqualTo(7));
      c.rollback();
    }
  }

  @Test
  void keysAndPayloadsKeepEveryCharacterAndKeysOfAnyLengthAreRecordedOnce() throws SQLException {
    SqlServerCheckpoints store = new SqlServerCheckpoints();
    String longKey = "k".repeat(5_000);
    try (Connection c = connect()) {
      store.ensureSchema(c);
      store.recordReject(c, reject(List.of("Ünïcødé ✓ 𝄞"), "t1\tÜnïcødé ✓ 𝄞\tO'Brien"));
      store.recordReject(c, reject(List.of("ünïcødé ✓ 𝄞"), "lower case"));
      store.recordReject(c, reject(List.of(longKey), "first"));
      store.recordReject(c, reject(List.of(longKey), "again"));
      Checkpoint cp = new Checkpoint(JOB, "unit-text", 1, List.of("Ünïcødé ✓ 𝄞", longKey), 1, 1, 1, false, 3);
      assertThat(store.writeAndCommit(c, cp, false)).isTrue();
      assertThat(store.read(c, JOB, "unit-text")).hasValueSatisfying(read ->
          assertThat(read.lastKey()).containsExactly("Ünïcødé ✓ 𝄞", longKey));
      c.rollback();
      List<String> payloads = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT payload FROM ferry.rejects WHERE job_id = N'" + JOB + "' AND unit_id = N'unit-text'")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            payloads.add(rs.getString(1));
          }
        }
      }
      c.rollback();
      assertThat(payloads).containsExactlyInAnyOrder("t1\tÜnïcødé ✓ 𝄞\tO'Brien", "lower case", "again");
    }
  }

  private static RejectedRow reject(List<String> key, String payload) {
    return new RejectedRow(JOB, "unit-text", "t1", "dbo.items", key, List.of("tenant_id", "id", "v"), payload, false,
        "value too long", "22001");
  }
}
