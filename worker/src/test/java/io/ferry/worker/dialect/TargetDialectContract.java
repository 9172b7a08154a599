package io.ferry.worker.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.verify.JobChecks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link TargetDialect} must do: tell what a table holds, build it in every mode (its DDL run
 * as prepare and finish units run it), take rows in binary COPY plain and by upsert, refuse a row it
 * cannot take, delete a rollback's rows by tenant and range and a repair's by tenant and key, drop and restore the foreign keys among
 * the tables a rollback empties, and in the modes that keep tables those among the job's tables (a table's
 * key to itself too) for the copy. An engine runs it by providing a target
 * database, its names of two column types and how it writes a table's name in SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TargetDialectContract {

  private static final String JOB = "job-contract";
  private static final String SCHEMA = "landing";
  private static final String TENANT = "tenant_id";

  // ---- what an engine provides

  protected abstract TargetDialect dialect();

  /** Creates the empty target database. */
  protected abstract void createDatabase() throws SQLException;

  /** Drops what {@link #createDatabase()} created. */
  protected abstract void dropDatabases() throws SQLException;

  /** A connection to that database, opened by {@link TargetDialect#connect}; a pool may lend it again, as the worker's do. */
  protected abstract Connection connect() throws SQLException;

  /** The engine's 64-bit integer type, as its catalog prints it. */
  protected abstract String bigintType();

  /** The engine's unbounded text type, as its catalog prints it. */
  protected abstract String textType();

  /** The table's name as the engine's SQL writes it (quoted, schema-qualified). */
  protected abstract String sqlName(TableName table);

  @BeforeAll
  void create() throws SQLException {
    createDatabase();
  }

  @AfterAll
  void drop() throws SQLException {
    dropDatabases();
  }

  // ---- inspection

  @Test
  void tellsWhetherATableExistsHoldsRowsAndWhatItLooksLike() throws SQLException {
    TableName t = table("inspected");
    try (Connection c = connect()) {
      assertThat(dialect().inspect(c, t)).isEqualTo(new TargetState(false, false));
      assertThat(dialect().describeExisting(c, t)).isNull();
      c.rollback();
    }
    TableDdl ddl = ddl(t, Mode.CREATE, null);
    run(ddl.prepare());
    try (Connection c = connect()) {
      assertThat(dialect().inspect(c, t)).isEqualTo(new TargetState(true, false));
      ExistingTable existing = dialect().describeExisting(c, t);
      assertThat(existing.columns()).containsOnlyKeys("id", "v");
      assertThat(existing.columns().get("v").fillable()).isTrue();
      assertThat(existing.columns().get("id").fillable()).isFalse();
      c.rollback();
    }
    write(t, Mode.CREATE, null, rows(1, 3));
    run(ddl.finish());
    try (Connection c = connect()) {
      assertThat(dialect().inspect(c, t)).isEqualTo(new TargetState(true, true));
      assertThat(dialect().describeExisting(c, t).hasUniqueKey(List.of("id"))).as("the key, built at finish").isTrue();
      c.rollback();
    }
  }

  // ---- every mode

  @Test
  void createBuildsAMissingTableAndRefusesAnExistingOne() throws SQLException {
    TableName t = table("created");
    TableDdl ddl = ddl(t, Mode.CREATE, null);
    run(ddl.prepare());
    write(t, Mode.CREATE, null, rows(1, 3));
    run(ddl.finish());
    assertThat(count(t)).isEqualTo(3);
    assertThatThrownBy(() -> run(ddl(t, Mode.CREATE, null).prepare())).isInstanceOf(SQLException.class);
    assertThat(count(t)).isEqualTo(3);
  }

  @Test
  void dropRecreateReplacesAnExistingTable() throws SQLException {
    TableName t = existing("recreated", 5);
    TableDdl ddl = ddl(t, Mode.DROP_RECREATE, null);
    run(ddl.prepare());
    assertThat(inspect(t)).isEqualTo(new TargetState(true, false));
    write(t, Mode.DROP_RECREATE, null, rows(10, 11));
    run(ddl.finish());
    assertThat(values(t)).containsExactly("v10", "v11");
  }

  @Test
  void truncateEmptiesAnExistingTableAndCreatesAMissingOne() throws SQLException {
    TableName t = existing("truncated", 5);
    TableDdl ddl = ddl(t, Mode.TRUNCATE, null);
    run(ddl.prepare());
    assertThat(inspect(t)).isEqualTo(new TargetState(true, false));
    write(t, Mode.TRUNCATE, null, rows(7, 8));
    run(ddl.finish());
    assertThat(values(t)).containsExactly("v7", "v8");
    assertThat(describe(t).hasUniqueKey(List.of("id"))).as("the kept table keeps its key").isTrue();

    TableName missing = table("truncated_missing");
    run(ddl(missing, Mode.TRUNCATE, null).prepare());
    assertThat(inspect(missing)).isEqualTo(new TargetState(true, false));
  }

  @Test
  void appendKeepsTheRowsAndRefusesADuplicateKeyAsItIsWritten() throws SQLException {
    TableName t = existing("appended", 3);
    TableDdl ddl = ddl(t, Mode.APPEND, null);
    run(ddl.prepare());
    assertThat(count(t)).isEqualTo(3);
    write(t, Mode.APPEND, null, rows(4, 5));
    assertThatThrownBy(() -> write(t, Mode.APPEND, null, rows(2, 2))).isInstanceOf(SQLException.class);
    run(ddl.finish());
    assertThat(values(t)).containsExactly("v1", "v2", "v3", "v4", "v5");

    TableName missing = table("appended_missing");
    run(ddl(missing, Mode.APPEND, null).prepare());
    assertThatThrownBy(() -> write(missing, Mode.APPEND, null, List.of(row(7L, "a"), row(7L, "b"))))
        .as("a missing table is created with its key").isInstanceOf(SQLException.class);
  }

  @Test
  void upsertUpdatesRowsByKeyAndInsertsTheRest() throws SQLException {
    TableName t = existing("upserted", 3);
    TableDdl ddl = ddl(t, Mode.UPSERT, null);
    run(ddl.prepare());
    write(t, Mode.UPSERT, null, List.of(row(2L, "changed"), row(4L, "v4")));
    write(t, Mode.UPSERT, null, List.of(row(4L, "changed again")));
    run(ddl.finish());
    assertThat(values(t)).containsExactly("v1", "changed", "v3", "changed again");
  }

  @Test
  void preserveSchemaUsesTheTableAsItIs() throws SQLException {
    TableName t = existing("preserved", 2);
    ExistingTable before = describe(t);
    TableDdl ddl = ddl(t, Mode.PRESERVE_SCHEMA, null);
    run(ddl.prepare());
    assertThat(count(t)).as("nothing emptied").isEqualTo(2);
    write(t, Mode.PRESERVE_SCHEMA, null, rows(3, 4));
    run(ddl.finish());
    assertThat(values(t)).containsExactly("v1", "v2", "v3", "v4");
    assertThat(describe(t)).isEqualTo(before);
  }

  @Test
  void aTenantColumnLeadsEveryRowAndTheKey() throws SQLException {
    TableName t = table("tenants");
    TableDdl ddl = ddl(t, Mode.CREATE, TENANT);
    run(ddl.prepare());
    write(t, Mode.CREATE, "a", rows(1, 5));
    write(t, Mode.CREATE, "b", rows(1, 5));
    run(ddl.finish());
    assertThat(count(t)).isEqualTo(10);
    ExistingTable existing = describe(t);
    assertThat(existing.columns().keySet()).containsExactly(TENANT, "id", "v");
    assertThat(existing.hasUniqueKey(List.of(TENANT, "id"))).isTrue();
    assertThatThrownBy(() -> write(t, Mode.APPEND, "a", rows(5, 5))).as("unique per tenant").isInstanceOf(SQLException.class);
  }

  @Test
  void aRowTheTargetCannotTakeFailsItsChunk() throws SQLException {
    TableName t = existing("refusing", 1);
    assertThatThrownBy(() -> write(t, Mode.APPEND, null, List.of(row(2L, "fine"), row(null, "no key"))))
        .isInstanceOf(SQLException.class);
    assertThat(count(t)).as("the chunk's transaction is rolled back whole").isEqualTo(1);
  }

  // ---- rollback deletion

  @Test
  void aRollbackDeletesTheRowsOfItsTenantAndRange() throws SQLException {
    TableName t = table("rolled_back");
    TableDdl ddl = ddl(t, Mode.CREATE, TENANT);
    run(ddl.prepare());
    write(t, Mode.CREATE, "a", rows(1, 6));
    write(t, Mode.CREATE, "b", rows(1, 6));
    run(ddl.finish());
    SplitKey key = new SplitKey(List.of("id"), List.of(bigintType()), false, List.of(true), SplitMethod.PRIMARY_KEY, "primary key");
    assertThat(delete(new RowDeletion(t, TENANT, "a", key, new KeyRange(List.of("2"), List.of("4"))))).isEqualTo(2);
    assertThat(delete(new RowDeletion(t, TENANT, "a", key, new KeyRange(List.of("6"), null)))).isEqualTo(1);
    assertThat(values(t, "a")).containsExactly("v1", "v4", "v5");
    assertThat(delete(new RowDeletion(t, TENANT, "a", null, null))).as("the tenant's whole table").isEqualTo(3);
    assertThat(count(t)).as("the other tenant's rows").isEqualTo(6);
    assertThat(delete(new RowDeletion(table("never_created"), TENANT, "a", null, null))).isZero();
  }

  @Test
  void aRepairDeletesTheRowsOfItsTenantByKeyInOneBatch() throws SQLException {
    TableName t = table("repaired");
    TableDdl ddl = ddl(t, Mode.CREATE, TENANT);
    run(ddl.prepare());
    write(t, Mode.CREATE, "a", rows(1, 6));
    write(t, Mode.CREATE, "b", rows(1, 6));
    run(ddl.finish());
    try (Connection c = connect()) {
      assertThat(dialect().deleteKeys(c, new KeyDeletion(t, TENANT, "a", List.of("id"), List.of(bigintType()),
          List.of(List.of("2"), List.of("5"), List.of("99"))))).as("a key the table does not hold deletes nothing").isEqualTo(2);
      assertThat(dialect().deleteKeys(c, new KeyDeletion(t, TENANT, "b", List.of("id", "v"), List.of(bigintType(), textType()),
          List.of(List.of("4", "v4"), List.of("3", "v4"))))).as("a composite key, text in it").isEqualTo(1);
      assertThat(dialect().deleteKeys(c, new KeyDeletion(t, TENANT, "b", List.of("id"), List.of(bigintType()), List.of())))
          .isZero();
      c.commit();
    }
    assertThat(values(t, "a")).containsExactly("v1", "v3", "v4", "v6");
    assertThat(values(t, "b")).as("the other tenant's rows of the same keys").containsExactly("v1", "v2", "v3", "v5", "v6");
  }

  @Test
  void aRollbackOfTheNullKeyRangeDeletesExactlyTheRowsWithANullKey() throws SQLException {
    TableName t = table("loose_keys");
    SourceTable loose = new SourceTable(new TableName("source", "loose_keys"), false,
        List.of(SourceColumn.plain("id", bigintType(), true), SourceColumn.plain("v", textType(), true)), List.of(),
        List.of(), List.of(), 0, 0);
    TableDdl ddl = dialect().ddl(new DdlRequest(loose, t, Mode.CREATE, null, Map.of(loose.name(), t)));
    run(ddl.prepare());
    write(t, Mode.CREATE, null, List.of(row(1L, "v1"), row(null, "n1"), row(2L, "v2"), row(null, "n2"), row(3L, "v3")));
    run(ddl.finish());
    SplitKey key = new SplitKey(List.of("id"), List.of(bigintType()), true, List.of(true), SplitMethod.UNIQUE_INDEX, "unique index");
    assertThat(delete(new RowDeletion(t, null, null, key, KeyRange.NULL_KEYS))).isEqualTo(2);
    assertThat(delete(new RowDeletion(t, null, null, key, new KeyRange(null, List.of("2"))))).isEqualTo(1);
    assertThat(values(t)).containsExactly("v2", "v3");
  }

  /**
   * A rollback empties tables that reference each other in no particular order: it drops the foreign keys
   * among them, recorded under its unit, and the job's last finish restores them from the record.
   */
  @Test
  void aRollbackDropsTheForeignKeysAmongItsTablesAndTheJobRestoresThem() throws SQLException {
    TableName parent = existing("fk_parent", 3);
    TableName child = table("fk_child");
    SourceTable childSource = new SourceTable(new TableName("source", "fk_child"), false,
        List.of(SourceColumn.plain("id", bigintType(), false), SourceColumn.plain("v", textType(), true)), List.of("id"),
        List.of(), List.of(new SourceForeignKey("fk_child_parent", List.of("id"), new TableName("source", "fk_parent"),
            List.of("id"), "NO ACTION", "NO ACTION", "")), 0, 0);
    TableDdl ddl = dialect().ddl(new DdlRequest(childSource, child, Mode.CREATE, null,
        Map.of(childSource.name(), child, new TableName("source", "fk_parent"), parent)));
    run(ddl.prepare());
    write(child, Mode.CREATE, null, rows(1, 2));
    run(ddl.finish());
    run(ddl.foreignKeys());
    assertThat(describe(child).foreignKeys()).containsExactly("fk_child_parent");
    assertThatThrownBy(() -> delete(new RowDeletion(parent, null, null, null, null)))
        .isInstanceOf(SQLException.class).satisfies(e -> assertThat(dialect().referencedByForeignKey((SQLException) e)).isTrue());

    try (Connection c = connect()) {
      dialect().checkpoints().ensureSchema(c);
      assertThat(dialect().dropForeignKeysAmong(c, List.of(parent, child), JOB, "unit-rollback")).isEqualTo(1);
      assertThat(dialect().deleteRows(c, new RowDeletion(parent, null, null, null, null))).isEqualTo(3);
      assertThat(dialect().deleteRows(c, new RowDeletion(child, null, null, null, null))).isEqualTo(2);
      c.commit();
    }
    assertThat(describe(child).foreignKeys()).isEmpty();
    write(parent, Mode.CREATE, null, rows(1, 3));
    write(child, Mode.CREATE, null, rows(1, 2));
    try (Connection c = connect()) {
      assertThat(dialect().restoreConstraints(c, JOB)).isEqualTo(1);
      c.commit();
      assertThat(dialect().restoreConstraints(c, JOB)).as("the record is cleared").isZero();
      c.commit();
    }
    assertThat(describe(child).foreignKeys()).containsExactly("fk_child_parent");
  }

  // ---- foreign keys in the modes that keep tables

  /**
   * The units of one table are copied in parallel too, so a row may arrive before the row of its own table
   * it references: every mode that keeps the table drops the table's key to itself at prepare, on record,
   * and the job's last finish restores it.
   */
  @Test
  void everyModeThatKeepsTheTableDropsItsKeyToItselfForTheCopyAndTheJobRestoresIt() throws SQLException {
    TableName t = employees("employees");
    long id = 0;
    for (Mode mode : List.of(Mode.APPEND, Mode.UPSERT, Mode.PRESERVE_SCHEMA, Mode.TRUNCATE)) {
      String job = "job-self-" + mode.name().toLowerCase(Locale.ROOT);
      run(job, employeesDdl(t, mode).prepare());
      assertThat(describe(t).foreignKeys()).as(mode + ": dropped for the copy").isEmpty();
      // Key order puts the report before her manager, and they land in different chunks.
      writeEmployees(t, mode, List.of(employee(id + 1, id + 2)));
      writeEmployees(t, mode, List.of(employee(id + 2, null)));
      id += 2;
      run(job, employeesDdl(t, mode).finish());
      assertThat(restore(job)).as(mode.toString()).isEqualTo(1);
      assertThat(describe(t).foreignKeys()).as(mode.toString()).containsExactly(selfKeyName(t));
      assertThat(restore(job)).as(mode + ": the record is cleared").isZero();
    }
    assertThat(count(t)).as("the other modes kept their rows, truncate emptied the table").isEqualTo(2);
  }

  /**
   * preserve_schema keeps the table's definition but, as the other modes that keep tables, drops the keys
   * among the job's tables for the copy (restored by the job's last finish); a key to a table outside the
   * job stays, so the rows it references must be there.
   */
  @Test
  void preserveSchemaDropsTheKeysAmongTheJobsTablesAndKeepsTheOneToATableOutsideIt() throws SQLException {
    String job = "job-preserve";
    TableName outside = existing("pk_outside", 2);
    TableName parent = existing("pk_parent", 0);
    TableName child = employees("pk_child");
    SourceTable childSource = new SourceTable(source(child), false, employeeColumns(), List.of("id"), List.of(),
        List.of(selfKey(child), new SourceForeignKey("pk_child_parent", List.of("id"), source(parent), List.of("id"),
            "NO ACTION", "NO ACTION", ""), new SourceForeignKey("pk_child_outside", List.of("manager_id"), source(outside),
            List.of("id"), "NO ACTION", "NO ACTION", "")), 0, 0);
    Map<TableName, TableName> all = Map.of(source(child), child, source(parent), parent, source(outside), outside);
    run(dialect().ddl(new DdlRequest(childSource, child, Mode.CREATE, null, all)).foreignKeys());
    assertThat(describe(child).foreignKeys()).containsExactlyInAnyOrder(selfKeyName(child), "pk_child_parent", "pk_child_outside");

    Map<TableName, TableName> jobTables = Map.of(source(child), child, source(parent), parent);
    TableDdl childDdl = dialect().ddl(new DdlRequest(childSource, child, Mode.PRESERVE_SCHEMA, null, jobTables));
    TableDdl parentDdl = dialect().ddl(new DdlRequest(itemsSource(parent), parent, Mode.PRESERVE_SCHEMA, null, jobTables));
    assertThat(childDdl.foreignKeys()).as("the table's definition is left alone").isEmpty();
    run(job, childDdl.prepare());
    run(job, parentDdl.prepare());
    assertThat(describe(child).foreignKeys()).containsExactly("pk_child_outside");

    writeEmployees(child, Mode.PRESERVE_SCHEMA, List.of(employee(1L, 2L)));
    writeEmployees(child, Mode.PRESERVE_SCHEMA, List.of(employee(2L, null)));
    assertThatThrownBy(() -> writeEmployees(child, Mode.PRESERVE_SCHEMA, List.of(employee(3L, 9L))))
        .as("the key to the table outside the job holds during the copy").isInstanceOf(SQLException.class);
    write(parent, Mode.PRESERVE_SCHEMA, null, rows(1, 2));
    run(job, childDdl.finish());
    run(job, parentDdl.finish());
    assertThat(restore(job)).isEqualTo(2);
    assertThat(describe(child).foreignKeys()).containsExactlyInAnyOrder(selfKeyName(child), "pk_child_parent", "pk_child_outside");
  }

  /**
   * A row whose referenced row never came (the source had no such key) fails the job's last finish naming
   * the key and the row, and the record stays for the attempt after the rows are fixed.
   */
  @Test
  void aKeyTheCopiedRowsViolateFailsTheRestoreNamingItAndStaysRecorded() throws SQLException {
    String job = "job-orphan";
    TableName t = employees("orphans");
    run(job, employeesDdl(t, Mode.TRUNCATE).prepare());
    writeEmployees(t, Mode.TRUNCATE, List.of(employee(1L, null), employee(2L, 99L)));
    assertThatThrownBy(() -> restore(job)).isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"))
        .hasMessageContaining("cannot restore foreign key " + selfKeyName(t) + " of " + t)
        .hasMessageContaining("(manager_id)=(99)")
        .hasMessageContaining("fix or delete those rows");
    assertThat(describe(t).foreignKeys()).isEmpty();
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM " + sqlName(t) + " WHERE id = 2");
      c.commit();
    }
    assertThat(restore(job)).as("restored from the record kept").isEqualTo(1);
    assertThat(describe(t).foreignKeys()).containsExactly(selfKeyName(t));
  }

  // ---- orphans

  /**
   * The job's checks follow each foreign key among the job's tables as the catalog has it (the tenant column
   * leading both sides) and find, in one statement, the rows whose referenced row is missing in their own
   * tenant: tenant a's employees 3 and 4 report to 99 and 98, which only tenant b has or nobody has; tenant b's
   * employee 8 reports to 1, which only tenant a has. The statement needs the key's description only, so it
   * runs here on rows written while the key was dropped (the key itself would have refused them).
   */
  @Test
  void findsTheRowsWhoseReferencedRowIsMissingInTheirOwnTenant() throws SQLException {
    TableName t = table("orphaned");
    SourceTable employees = new SourceTable(source(t), false, employeeColumns(), List.of("id"), List.of(),
        List.of(selfKey(t)), 0, 0);
    TableDdl ddl = dialect().ddl(new DdlRequest(employees, t, Mode.CREATE, TENANT, Map.of(employees.name(), t)));
    run(ddl.prepare());
    run(ddl.finish());
    run(ddl.foreignKeys());
    ForeignKey fk;
    try (Connection c = connect()) {
      List<ForeignKey> keys = dialect().foreignKeysAmong(c, List.of(table("no_such_table"), t, table("created_never")));
      assertThat(keys).singleElement().satisfies(k -> {
        assertThat(k.name()).isEqualTo(selfKeyName(t));
        assertThat(k.table()).isEqualTo(t);
        assertThat(k.referencedTable()).isEqualTo(t);
        assertThat(k.columns()).containsExactly(TENANT, "manager_id");
        assertThat(k.referencedColumns()).containsExactly(TENANT, "id");
        assertThat(k.rowKey()).as("the primary key").containsExactly(TENANT, "id");
      });
      assertThat(dialect().foreignKeysAmong(c, List.of(table("no_such_table")))).isEmpty();
      fk = keys.get(0);
      dialect().checkpoints().ensureSchema(c);
      assertThat(dialect().dropForeignKeysAmong(c, List.of(t), "job-orphans", "unit-rollback")).isEqualTo(1);
      c.commit();
    }
    write(t, Mode.CREATE, List.of(TENANT, "id", "v", "manager_id"), List.of(TENANT, "id"), List.of(
        Arrays.asList("a", 1L, "e1", null), Arrays.asList("a", 2L, "e2", 1L), Arrays.asList("a", 3L, "e3", 99L),
        Arrays.asList("a", 4L, "e4", 98L), Arrays.asList("b", 99L, "e99", null), Arrays.asList("b", 7L, "e7", 99L),
        Arrays.asList("b", 8L, "e8", 1L)));
    try (Connection c = connect()) {
      assertThat(dialect().foreignKeysAmong(c, List.of(t))).as("dropped: the catalog has none").isEmpty();
      assertThat(JobChecks.orphans(c, dialect(), fk, TENANT, null, 100)).containsExactly(
          new VerifyFindings.Orphans("a", t.toString(), selfKeyName(t), t.toString(), 2, List.of(List.of("3"), List.of("4"))),
          new VerifyFindings.Orphans("b", t.toString(), selfKeyName(t), t.toString(), 1, List.of(List.of("8"))));
      assertThat(JobChecks.orphans(c, dialect(), fk, TENANT, null, 1)).as("the first key listed, every tenant counted")
          .containsExactly(
              new VerifyFindings.Orphans("a", t.toString(), selfKeyName(t), t.toString(), 2, List.of(List.of("3"))),
              new VerifyFindings.Orphans("b", t.toString(), selfKeyName(t), t.toString(), 1, List.of()));
      assertThat(JobChecks.orphans(c, dialect(), fk, null, "solo", 100)).as("a job without a tenant column: its one tenant's")
          .containsExactly(new VerifyFindings.Orphans("solo", t.toString(), selfKeyName(t), t.toString(), 3,
              List.of(List.of("a", "3"), List.of("a", "4"), List.of("b", "8"))));
      c.rollback();
    }
  }

  // ---- helpers

  private static TableName source(TableName target) {
    return new TableName("source", target.name());
  }

  private List<SourceColumn> employeeColumns() {
    return List.of(SourceColumn.plain("id", bigintType(), false), SourceColumn.plain("v", textType(), true),
        SourceColumn.plain("manager_id", bigintType(), true));
  }

  /** Per table: SQL Server's constraint names are unique per schema. */
  private static String selfKeyName(TableName target) {
    return target.name() + "_manager";
  }

  private static SourceForeignKey selfKey(TableName target) {
    return new SourceForeignKey(selfKeyName(target), List.of("manager_id"), source(target), List.of("id"), "NO ACTION", "NO ACTION", "");
  }

  /** {@code (id, v, manager_id)} with {@code manager_id} referencing the table's own {@code id}. */
  private TableDdl employeesDdl(TableName target, Mode mode) {
    SourceTable employees = new SourceTable(source(target), false, employeeColumns(), List.of("id"), List.of(),
        List.of(selfKey(target)), 0, 0);
    return dialect().ddl(new DdlRequest(employees, target, mode, null, Map.of(employees.name(), target)));
  }

  /** An empty employees table with its key to itself, built by a whole create cycle. */
  private TableName employees(String name) throws SQLException {
    TableName t = table(name);
    TableDdl ddl = employeesDdl(t, Mode.CREATE);
    run(ddl.prepare());
    run(ddl.finish());
    run(ddl.foreignKeys());
    assertThat(describe(t).foreignKeys()).containsExactly(selfKeyName(t));
    return t;
  }

  private static List<Object> employee(long id, Long managerId) {
    return Arrays.asList(id, "e" + id, managerId);
  }

  private void writeEmployees(TableName t, Mode mode, List<List<Object>> rows) throws SQLException {
    write(t, mode, List.of("id", "v", "manager_id"), List.of("id"), rows);
  }

  /** The job's last finish as it restores: in one transaction, committed. */
  private int restore(String job) throws SQLException {
    try (Connection c = connect()) {
      try {
        int restored = dialect().restoreConstraints(c, job);
        c.commit();
        return restored;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private SourceTable itemsSource(TableName target) {
    return new SourceTable(source(target), false,
        List.of(SourceColumn.plain("id", bigintType(), false), SourceColumn.plain("v", textType(), true)), List.of("id"),
        List.of(), List.of(), 0, 0);
  }

  private TableName table(String name) {
    return new TableName(SCHEMA, name);
  }

  /** A table built by a whole create cycle, holding rows 1 … {@code rows} (none when 0) with its key. */
  private TableName existing(String name, int rows) throws SQLException {
    TableName t = table(name);
    TableDdl ddl = ddl(t, Mode.CREATE, null);
    run(ddl.prepare());
    if (rows > 0) {
      write(t, Mode.CREATE, null, rows(1, rows));
    }
    run(ddl.finish());
    return t;
  }

  /** {@code (id bigint NOT NULL, v text)} with primary key {@code id}, as a source describes it. */
  private TableDdl ddl(TableName target, Mode mode, String tenantColumn) {
    SourceTable items = itemsSource(target);
    return dialect().ddl(new DdlRequest(items, target, mode, tenantColumn, Map.of(items.name(), target)));
  }

  /** Runs statements as a prepare or finish unit does, in one transaction. */
  private void run(List<String> statements) throws SQLException {
    run(JOB, statements);
  }

  /** Runs statements as a prepare or finish unit of {@code job} does, in one transaction. */
  private void run(String job, List<String> statements) throws SQLException {
    try (Connection c = connect()) {
      dialect().checkpoints().ensureSchema(c);
      dialect().serializePrepare(c);
      dialect().boundLockWaits(c);
      dialect().nameUnit(c, job, "unit-ddl");
      try (Statement st = c.createStatement()) {
        for (String sql : statements) {
          st.execute(sql);
        }
      }
      c.commit();
    }
  }

  /** One chunk, committed: rows of (id, v), led by the tenant id when there is one. */
  private void write(TableName t, Mode mode, String tenantId, List<List<Object>> rows) throws SQLException {
    List<String> columns = tenantId == null ? List.of("id", "v") : List.of(TENANT, "id", "v");
    List<String> conflictKey = tenantId == null ? List.of("id") : List.of(TENANT, "id");
    List<List<Object>> tuples = rows.stream().map(r -> {
      List<Object> tuple = new ArrayList<>();
      if (tenantId != null) {
        tuple.add(tenantId);
      }
      tuple.addAll(r);
      return tuple;
    }).toList();
    write(t, mode, columns, conflictKey, tuples);
  }

  /** One chunk of whole tuples of {@code columns}, committed. */
  private void write(TableName t, Mode mode, List<String> columns, List<String> conflictKey, List<List<Object>> rows)
      throws SQLException {
    byte[] bytes = CopyRows.encode(rows);
    try (Connection c = connect()) {
      ChunkWriter writer = dialect().openChunk(c, new ChunkRequest(t, columns, CopyFormat.BINARY, mode, conflictKey));
      try {
        writer.write(bytes, 0, bytes.length);
        assertThat(writer.end()).isEqualTo(rows.size());
      } catch (SQLException e) {
        writer.cancel();
        c.rollback();
        throw e;
      }
      c.commit();
    }
  }

  private static List<List<Object>> rows(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(id -> row(id, "v" + id)).toList();
  }

  private static List<Object> row(Long id, String v) {
    return Arrays.asList(id, v);
  }

  private long delete(RowDeletion deletion) throws SQLException {
    try (Connection c = connect()) {
      long deleted = dialect().deleteRows(c, deletion);
      c.commit();
      return deleted;
    }
  }

  private TargetState inspect(TableName t) throws SQLException {
    try (Connection c = connect()) {
      TargetState state = dialect().inspect(c, t);
      c.rollback();
      return state;
    }
  }

  private ExistingTable describe(TableName t) throws SQLException {
    try (Connection c = connect()) {
      ExistingTable existing = dialect().describeExisting(c, t);
      c.rollback();
      return existing;
    }
  }

  private long count(TableName t) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + sqlName(t))) {
      rs.next();
      long n = rs.getLong(1);
      c.rollback();
      return n;
    }
  }

  /** The table's {@code v} in key order ({@code tenantId}'s rows only when given). */
  private List<String> values(TableName t, String... tenantId) throws SQLException {
    String where = tenantId.length == 0 ? "" : " WHERE " + TENANT + " = '" + tenantId[0] + "'";
    List<String> values = new ArrayList<>();
    try (Connection c = connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT v FROM " + sqlName(t) + where + " ORDER BY id")) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      c.rollback();
    }
    return values;
  }
}
