package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.CheckpointSchema;
import org.junit.jupiter.api.Test;

/** The store's SQL is chosen by the target's engine, once, and each engine's has the shape its server needs. */
class StoreSqlTest {

  @Test
  void theTargetsEngineChoosesTheStatements() {
    assertThat(new Target("postgresql", "jdbc:postgresql://h/db", "u", null).sql()).isSameAs(PostgresStoreSql.INSTANCE);
    assertThat(new Target("SQLServer", "jdbc:sqlserver://h", "u", null).sql()).isSameAs(SqlServerStoreSql.INSTANCE);
    assertThat(new Target(null, "jdbc:postgresql://h/db", "u", null).sql()).as("a target recorded before engines")
        .isSameAs(PostgresStoreSql.INSTANCE);
    assertThatThrownBy(() -> new Target("oracle", "jdbc:oracle:thin:@h", "u", null).sql())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the coordinator cannot keep a job's record in a target of engine oracle (it can in postgresql and sqlserver)");
  }

  @Test
  void bothSidesOfASqlServerTargetCreateTheSameSchema() {
    assertThat(SqlServerStoreSql.INSTANCE.schema()).isSameAs(CheckpointSchema.SQLSERVER);
    assertThat(String.join("\n", CheckpointSchema.SQLSERVER)).contains("CREATE TABLE ferry.jobs", "CREATE TABLE ferry.units",
        "CREATE TABLE ferry.checkpoints", "CREATE TABLE ferry.rejects");
    assertThat(PostgresStoreSql.INSTANCE.schema()).isSameAs(CheckpointSchema.POSTGRESQL);
  }

  /** No MERGE (Babelfish lacks it): an update, then an insert where it found none, under locks held to the commit. */
  @Test
  void sqlServerUpsertsUpdateThenInsertUnderLocksHeldToTheCommit() {
    SqlServerStoreSql sql = SqlServerStoreSql.INSTANCE;
    for (String upsert : new String[] {sql.upsertJob(), sql.upsertUnit()}) {
      assertThat(upsert).doesNotContain("MERGE")
          .containsSubsequence("UPDATE ferry.", "WITH (UPDLOCK, HOLDLOCK)", "SYSUTCDATETIME()", "IF @@ROWCOUNT = 0", "INSERT INTO ferry.");
    }
    assertThat(sql.upsertUnitAndCommit()).startsWith(sql.upsertUnit()).endsWith("COMMIT TRANSACTION;");
    assertThat(sql.withoutFlush()).isEmpty();
    assertThat(sql.admissionLock()).containsSubsequence("FROM sys.schemas", "sp_getapplock", "@LockOwner = N'Transaction'",
        "IF @lock < 0", "THROW");
  }

  /** A statement takes at most 2,100 parameters: id lists are cut into statements of a thousand. */
  @Test
  void sqlServerIdListsAreBoundPlaceholders() {
    SqlServerStoreSql sql = SqlServerStoreSql.INSTANCE;
    assertThat(sql.jobsIn(3)).endsWith("WHERE job_id IN (?, ?, ?)");
    assertThat(sql.unitsOfJobIn(2)).endsWith("WHERE job_id = ? AND unit_id IN (?, ?)");
    assertThat(sql.doneCheckpointsIn(1)).contains("[rows]", "done = 1").endsWith("job_id IN (?)");
    assertThat(sql.maxIds()).isLessThan(2100);
    assertThat(PostgresStoreSql.INSTANCE.jobsIn(3)).endsWith("job_id = ANY (?)");
  }
}
