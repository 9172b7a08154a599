package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.store.Target;
import io.ferry.coordinator.store.TargetConnections;
import io.ferry.coordinator.store.TargetRegistry;
import io.ferry.coordinator.store.TargetStore;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.unit.Checkpoint;
import io.ferry.testsupport.SqlServerDatabaseLock;
import io.ferry.worker.sqlserver.SqlServerCheckpoints;
import io.ferry.worker.sqlserver.SqlServerConnections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SQL Server target, both of its writers: the worker's checkpoint store ({@code SqlServerCheckpoints})
 * and the coordinator's record ({@code TargetStore}) create the same {@code ferry} schema, whichever comes
 * first, and the coordinator reads back the checkpoints the worker committed. On the shared Babelfish
 * server (or {@code FERRY_TEST_MSSQL_URL}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerTargetRecordIT {

  private static final String SERVER =
      env("FERRY_TEST_MSSQL_URL", "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;trustServerCertificate=true");
  private static final String USER = env("FERRY_TEST_MSSQL_USER", "ferry");
  private static final String PASSWORD = env("FERRY_TEST_MSSQL_PASSWORD", "Ferry-test-1");

  private final List<String> created = new ArrayList<>();

  @TempDir
  Path stateDir;

  @AfterAll
  void dropDatabases() throws SQLException {
    SqlServerDatabaseLock.run(() -> {
      try (Connection c = SqlServerConnections.open(new Endpoint("sqlserver", SERVER, USER, PASSWORD));
           Statement st = c.createStatement()) {
        for (String name : created) {
          st.execute("DROP DATABASE IF EXISTS " + name);
        }
      }
    });
  }

  @Test
  void theCoordinatorReadsTheCheckpointsAWorkerCommittedWhicheverCreatedTheSchema() throws Exception {
    for (boolean workerFirst : new boolean[] {true, false}) {
      Endpoint endpoint = new Endpoint("sqlserver", createDatabase(), USER, PASSWORD);
      Target target = Target.of(endpoint);
      SqlServerCheckpoints checkpoints = new SqlServerCheckpoints();
      try (Connection worker = SqlServerConnections.open(endpoint);
           TargetStore store = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections())) {
        worker.setAutoCommit(false);
        if (workerFirst) {
          checkpoints.ensureSchema(worker);
        }
        store.ensureSchema(target);
        store.insertJob(target, "job-s", "{\"id\":\"job-s\"}",
            Map.of("copy:a:dbo.t:0000", "{}", "copy:A:dbo.t:0000", "{}"), recorded -> List.of());
        checkpoints.ensureSchema(worker);

        assertThat(checkpoints.takeOverAndBegin(worker, "job-s", "copy:a:dbo.t:0000", 4)).isPresent();
        assertThat(checkpoints.writeAndCommit(worker,
            new Checkpoint("job-s", "copy:a:dbo.t:0000", 4, List.of("99"), 100, 4096, 2, true, 3), false)).isTrue();
        assertThat(checkpoints.takeOverAndBegin(worker, "job-s", "copy:A:dbo.t:0000", 2)).isPresent();
        worker.commit();

        assertThat(store.doneCheckpoints(target, List.of("job-s"))).as("worker first: " + workerFirst)
            .containsExactly(new TargetStore.DoneCheckpoint("job-s", "copy:a:dbo.t:0000", 4, 100, 4096, 3));
        assertThat(store.checkpointEpochs(target, List.of("job-s")))
            .containsOnly(Map.entry("job-s/copy:a:dbo.t:0000", 4L), Map.entry("job-s/copy:A:dbo.t:0000", 2L));
        assertThat(store.unitKeys(target, List.of("job-s"))).hasSize(2);
      }
    }
  }

  private String createDatabase() throws SQLException {
    String name = ("ferry_t_store_record_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    SqlServerDatabaseLock.run(() -> {
      try (Connection c = SqlServerConnections.open(new Endpoint("sqlserver", SERVER, USER, PASSWORD));
           Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      }
    });
    created.add(name);
    return SERVER + (SERVER.endsWith(";") ? "" : ";") + "databaseName=" + name;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
