package io.ferry.worker.unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.unit.Checkpoint;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Lease;
import io.ferry.protocol.unit.Progress;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.postgres.PostgresTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rollback unit against a real PostgreSQL target: exactly the selected rows go, together with the
 * reset of their copy units' checkpoints, in one transaction — or nothing changes.
 */
class RollbackUnitIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final String JOB = "job-r";
  private static String url;
  private final UnitExecutor executor = new UnitExecutor();

  @BeforeAll
  static void database() throws SQLException {
    url = DBS.create("rollback");
  }

  @AfterAll
  static void drop() throws SQLException {
    DBS.close();
  }

  /** Tenants a and b with 1000 items each (ids 1..1000), their copy checkpoints done, and a child table of a's items. */
  @BeforeEach
  void createTarget() throws Exception {
    sql("DROP SCHEMA IF EXISTS app CASCADE", "DROP SCHEMA IF EXISTS ferry CASCADE", "CREATE SCHEMA app",
        "CREATE TABLE app.items (tenant_id text NOT NULL, id bigint NOT NULL, v text, PRIMARY KEY (tenant_id, id))",
        "INSERT INTO app.items SELECT t, i, 'v' || i FROM unnest(ARRAY['a', 'b']) t, generate_series(1, 1000) i",
        "CREATE TABLE app.notes (tenant_id text NOT NULL, id bigint NOT NULL, item_id bigint NOT NULL, PRIMARY KEY (tenant_id, id),"
            + " FOREIGN KEY (tenant_id, item_id) REFERENCES app.items (tenant_id, id))",
        "INSERT INTO app.notes SELECT 'a', i, i FROM generate_series(1, 50) i");
    PostgresTarget dialect = new PostgresTarget();
    try (Connection t = dialect.connect(target())) {
      dialect.checkpoints().ensureSchema(t);
      for (String unit : List.of("copy:a:app.items:0000", "copy:a:app.items:0001", "copy:b:app.items:0000",
          "copy:a:app.notes:0000")) {
        dialect.checkpoints().write(t, new Checkpoint(JOB, unit, 2, List.of("500"), 500, 5000, 1, true));
      }
      t.commit();
    }
  }

  @Test
  void deletesEveryRowOfTheTenantsTablesAndResetsTheirCheckpointsTogether() throws Exception {
    Assignment rollback = rollback("rollback:1", "a", null, null,
        copy("copy:a:app.items:0000", "a", "app.items", 2), copy("copy:a:app.items:0001", "a", "app.items", 2),
        copy("copy:a:app.notes:0000", "a", "app.notes", 2));

    UnitOutcome outcome = executor.execute(rollback, new UnitControl(), ProgressListener.NONE);

    assertThat(outcome.ok()).as(String.valueOf(outcome.error())).isTrue();
    assertThat(outcome.rows()).as("rows deleted: a's items and notes").isEqualTo(1050);
    assertThat(count("SELECT count(*) FROM app.items WHERE tenant_id = 'a'")).isZero();
    assertThat(count("SELECT count(*) FROM app.notes")).isZero();
    assertThat(count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'app.notes'::regclass"))
        .as("the foreign key between two emptied tables is dropped (the job's last finish adds it again)").isZero();
    assertThat(count("SELECT count(*) FROM app.items WHERE tenant_id = 'b'")).as("tenant b untouched").isEqualTo(1000);
    assertReset("copy:a:app.items:0000", 3);
    assertReset("copy:a:app.items:0001", 3);
    assertReset("copy:a:app.notes:0000", 3);
    assertThat(count("SELECT rows FROM ferry.checkpoints WHERE unit_id = 'copy:b:app.items:0000' AND done"))
        .as("tenant b's checkpoint intact").isEqualTo(500);
    assertThat(count("SELECT rows FROM ferry.checkpoints WHERE unit_id = 'rollback:1' AND done AND epoch = 1"))
        .as("the rollback's own done checkpoint counts the rows deleted").isEqualTo(1050);

    // The same lease again (an epoch handed out twice): its take-over is refused, and the unit is found done,
    // so nothing runs and the result the coordinator lost is reported again.
    UnitOutcome twice = executor.execute(rollback, new UnitControl(), ProgressListener.NONE);
    assertThat(twice.ok()).as(String.valueOf(twice.error())).isTrue();
    assertThat(twice.rows()).isEqualTo(1050);
    assertThat(count("SELECT rows FROM ferry.checkpoints WHERE unit_id = 'rollback:1' AND done AND epoch = 1"))
        .as("the done checkpoint is left as it was").isEqualTo(1050);

    // Claimed again (its result was lost), so under a newer epoch: already done, nothing more is deleted.
    Assignment relet = rollback(2, "rollback:1", "a", null, null,
        copy("copy:a:app.items:0000", "a", "app.items", 2), copy("copy:a:app.items:0001", "a", "app.items", 2),
        copy("copy:a:app.notes:0000", "a", "app.notes", 2));
    UnitOutcome again = executor.execute(relet, new UnitControl(), ProgressListener.NONE);
    assertThat(again.ok()).isTrue();
    assertThat(again.rows()).isEqualTo(1050);
    assertThat(count("SELECT count(*) FROM app.items WHERE tenant_id = 'b'")).isEqualTo(1000);
  }

  @Test
  void theForeignKeysItDropsAreRecordedInItsTransactionAndTheJobsLastFinishRestoresThemOnItsNextRun() throws Exception {
    sql("INSERT INTO ferry.checkpoints (job_id, unit_id, epoch, rows, bytes, chunks, done) VALUES ('" + JOB + "', 'finish:*', 1, 0, 0, 0, true)");
    Assignment rollback = rollback("rollback:6", "a", null, null,
        copy("copy:a:app.items:0000", "a", "app.items", 2), copy("copy:a:app.notes:0000", "a", "app.notes", 2));
    assertThat(executor.execute(rollback, new UnitControl(), ProgressListener.NONE).ok()).isTrue();

    assertThat(count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'app.notes'::regclass")).isZero();
    assertThat(count("SELECT count(*) FROM ferry.dropped_constraints WHERE job_id = '" + JOB + "' AND table_schema = 'app'"
        + " AND table_name = 'notes' AND dropped_by = 'rollback:6'"
        + " AND definition = 'FOREIGN KEY (tenant_id, item_id) REFERENCES app.items(tenant_id, id)'"))
        .as("the dropped key is on record with its definition").isEqualTo(1);
    assertThat(count("SELECT count(*) FROM ferry.checkpoints WHERE unit_id = 'finish:*' AND NOT done"))
        .as("the job's last finish must run again, also for a coordinator that restarts and reads the checkpoints").isEqualTo(1);

    WorkUnit finish = new WorkUnit("finish:*", JOB, UnitKind.FINISH, Slice.JOB, UnitState.LEASED,
        new Lease(1, 2, "test-worker", 0), Progress.NONE);
    UnitOutcome restored = executor.execute(new Assignment(finish, null, target(), target(), "tenant_id", List.of(), 0, 0, null,
        List.of(), null), new UnitControl(), ProgressListener.NONE);
    assertThat(restored.ok()).as(String.valueOf(restored.error())).isTrue();
    assertThat(count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'app.notes'::regclass"
        + " AND pg_get_constraintdef(oid) = 'FOREIGN KEY (tenant_id, item_id) REFERENCES app.items(tenant_id, id)'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM ferry.dropped_constraints")).as("the record is cleared with the restore").isZero();
  }

  @Test
  void deletesOnlyTheRangeOfOneCopyUnit() throws Exception {
    WorkUnit copy = copy("copy:a:app.items:0001", "a", "app.items", 2);
    Assignment rollback = rollback("rollback:2", "a", "app.items", new KeyRange(List.of("300"), List.of("700")), copy);

    UnitOutcome outcome = executor.execute(rollback, new UnitControl(), ProgressListener.NONE);

    assertThat(outcome.ok()).as(String.valueOf(outcome.error())).isTrue();
    assertThat(outcome.rows()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM app.items WHERE tenant_id = 'a' AND id >= 300 AND id < 700")).isZero();
    assertThat(count("SELECT count(*) FROM app.items WHERE tenant_id = 'a'")).isEqualTo(600);
    assertThat(count("SELECT count(*) FROM app.items WHERE tenant_id = 'b'")).isEqualTo(1000);
    assertReset("copy:a:app.items:0001", 3);
    assertThat(count("SELECT rows FROM ferry.checkpoints WHERE unit_id = 'copy:a:app.items:0000' AND done"))
        .as("the other unit of the same tenant table keeps its checkpoint").isEqualTo(500);
  }

  @Test
  void rowsStillReferencedFromOutsideTheRollbackRefuseItAndNothingChanges() throws Exception {
    // a's notes reference a's items, and the notes are not rolled back: the delete must fail, whole.
    Assignment rollback = rollback("rollback:3", "a", "app.items", null,
        copy("copy:a:app.items:0000", "a", "app.items", 2), copy("copy:a:app.items:0001", "a", "app.items", 2));

    UnitOutcome outcome = executor.execute(rollback, new UnitControl(), ProgressListener.NONE);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.retryable()).isFalse();
    assertThat(outcome.error()).contains("rollback:3").contains("foreign key");
    assertNothingChanged();
  }

  @Test
  void aFailureAtItsLastStepLeavesTheRowsAndTheCheckpointsAsTheyWere() throws Exception {
    // Fails the rollback's own done checkpoint: after the resets and the delete ran in the same transaction.
    sql("""
        CREATE FUNCTION ferry.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure at the last step'; END $$""",
        "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON ferry.checkpoints FOR EACH ROW"
            + " WHEN (NEW.done AND NEW.unit_id LIKE 'rollback:%') EXECUTE FUNCTION ferry.refuse()");
    Assignment rollback = rollback("rollback:4", "a", null, null,
        copy("copy:a:app.items:0000", "a", "app.items", 2), copy("copy:a:app.notes:0000", "a", "app.notes", 2));

    UnitOutcome outcome = executor.execute(rollback, new UnitControl(), ProgressListener.NONE);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error()).contains("injected failure");
    assertNothingChanged();
  }

  @Test
  void anOldHolderOfARolledBackCopyUnitCanNoLongerCommitAChunk() throws Exception {
    Assignment rollback = rollback("rollback:5", "b", null, null, copy("copy:b:app.items:0000", "b", "app.items", 2));
    assertThat(executor.execute(rollback, new UnitControl(), ProgressListener.NONE).ok()).isTrue();

    PostgresTarget dialect = new PostgresTarget();
    try (Connection t = dialect.connect(target())) {
      boolean wrote = dialect.checkpoints().write(t, new Checkpoint(JOB, "copy:b:app.items:0000", 2, List.of("900"), 900, 1, 2, false));
      t.rollback();
      assertThat(wrote).as("a chunk of the copy unit's epoch before the rollback is refused").isFalse();
      assertThat(dialect.checkpoints().takeOver(t, JOB, "copy:b:app.items:0000", 4))
          .as("the next claim (epoch raised past the fence by the coordinator) takes it over")
          .hasValueSatisfying(cp -> assertThat(cp.rows()).isZero());
      t.rollback();
    }
  }

  // ---------------------------------------------------------------------------------------------------

  private static Endpoint target() {
    return DBS.connection(url);
  }

  private static TablePlan plan(String tenant, String table) {
    return new TablePlan(tenant, table, table, List.of(new ColumnPlan("id", "bigint", false, null, null), new ColumnPlan("v", "text", true, null, null)),
        new SplitPlan(List.of("id"), List.of("bigint"), false, List.of(true), SplitMethod.PRIMARY_KEY, List.of(), "exact"),
        1000, 0, null, null,
        TargetDdl.NONE,
        false, false, 0, List.of());
  }

  private static WorkUnit copy(String id, String tenant, String table, long epoch) {
    return new WorkUnit(id, JOB, UnitKind.COPY, new Slice(tenant, table, table, null, 0, 0), UnitState.DONE,
        new Lease(1, epoch, null, 0), new Progress(500, 5000, 0, null));
  }

  private static Assignment rollback(String id, String tenant, String table, KeyRange range, WorkUnit... copies) {
    return rollback(1, id, tenant, table, range, copies);
  }

  private static Assignment rollback(long epoch, String id, String tenant, String table, KeyRange range, WorkUnit... copies) {
    TablePlan plan = plan(tenant, table == null ? copies[0].slice().table() : table);
    WorkUnit unit = new WorkUnit(id, JOB, UnitKind.ROLLBACK, new Slice(tenant, table, null, range, 0, 0), UnitState.LEASED,
        new Lease(1, epoch, "test-worker", 0), Progress.NONE);
    return new Assignment(unit, plan, target(), target(), "tenant_id", List.of(), 0, 0, null, List.of(copies), null);
  }

  private void assertReset(String unit, long epoch) throws Exception {
    assertThat(count("SELECT count(*) FROM ferry.checkpoints WHERE unit_id = '" + unit + "' AND rows = 0 AND bytes = 0"
        + " AND chunks = 0 AND last_key IS NULL AND NOT done AND epoch = " + epoch)).as("%s reset at epoch %d", unit, epoch).isEqualTo(1);
  }

  private void assertNothingChanged() throws Exception {
    assertThat(count("SELECT count(*) FROM app.items")).isEqualTo(2000);
    assertThat(count("SELECT count(*) FROM app.notes")).isEqualTo(50);
    assertThat(count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'app.notes'::regclass")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM ferry.dropped_constraints")).as("no drop recorded").isZero();
    assertThat(count("SELECT count(*) FROM ferry.checkpoints WHERE unit_id LIKE 'copy:%' AND done AND rows = 500 AND epoch = 2"))
        .as("every copy checkpoint as it was").isEqualTo(4);
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private static long count(String query) throws SQLException {
    try (Connection c = DBS.open(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }
}
