package io.ferry.worker;

import static io.ferry.testsupport.TestPostgres.longOf;
import static io.ferry.testsupport.TestPostgres.stringOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.UnitOutcome;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.verify.TableChecksum;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each mode's DDL and write path against real databases: what it creates, what it keeps, what it refuses. */
class TargetModesIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final int ITEMS = 3_000;
  private static String sourceUrl;

  @BeforeAll
  static void source() throws Exception {
    sourceUrl = DBS.create("md_src");
    try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
      st.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
      st.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(12,2), moods mood[])");
      st.execute("INSERT INTO items SELECT g, 'item ' || g, g * 1.5, ARRAY['happy', 'sad']::mood[] FROM generate_series(1, "
          + ITEMS + ") g");
      st.execute("CREATE TABLE codes (code text PRIMARY KEY, n serial)");
      st.execute("INSERT INTO codes (code) SELECT 'c' || g FROM generate_series(1, 300) g");
      st.execute("CREATE TABLE notes (body text)");
      st.execute("INSERT INTO notes SELECT 'note ' || g FROM generate_series(1, 50) g");
      st.execute("ANALYZE");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  private static JobSpec spec(String name, String targetUrl, Mode mode, String schema, String tenantColumn, String... include) {
    return new JobSpec(name, new SourceSpec("postgresql", List.of(new TenantSpec("a", sourceUrl, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), schema, tenantColumn),
        new TableSelection(List.of(include), List.of()), mode, null);
  }

  @Test
  void aSecondAppendOfTheSameRowsFailsTheUnitNamingTheDuplicateKey() throws Exception {
    String target = DBS.create("md_append");
    LocalJob first = new LocalJob(DBS, spec("append-1", target, Mode.APPEND, "app", "tenant_id", "public.items", "public.codes"), "a1-");
    first.runAll(1_000);
    first.assertTargetEqualsSources();

    LocalJob second = new LocalJob(DBS, spec("append-2", target, Mode.APPEND, "app", "tenant_id", "public.items"), "a2-");
    assertThat(second.reply.problems()).isEmpty();
    assertThat(second.plan("public.items").targetHasRows()).isTrue();
    second.prepare();
    UnitOutcome duplicate = second.copy(1_000).get(0);

    assertThat(duplicate.ok()).isFalse();
    assertThat(duplicate.retryable()).as("a duplicate key will not go away by itself").isFalse();
    assertThat(duplicate.error()).contains("already exists").containsPattern("Key \\(tenant_id, id\\)=\\(a, \\d+\\) already exists")
        .startsWith("copy unit a2-copy:a:app.items of job append-2");
    try (Connection t = DBS.open(target)) {
      assertThat(longOf(t, "SELECT count(*) FROM app.items")).as("the failed chunk rolled back").isEqualTo(ITEMS);
    }
  }

  @Test
  void upsertRunTwiceLeavesTheSameTargetAndPicksUpChangedRows() throws Exception {
    String target = DBS.create("md_upsert");
    LocalJob first = new LocalJob(DBS, spec("upsert-1", target, Mode.UPSERT, "up", "tenant_id", "public.items", "public.codes"), "u1-");
    TablePlan items = first.plan("public.items");
    assertThat(items.copyFormat()).as("an array of an enum travels as text, through the staging table too")
        .isEqualTo(CopyFormat.TEXT);
    assertThat(first.plan("public.codes").split().key()).as("the key of a table copied as one unit").containsExactly("code");
    first.runAll(700);
    first.assertTargetEqualsSources();
    String before = checksum(target, "up.items");

    LocalJob again = new LocalJob(DBS, spec("upsert-2", target, Mode.UPSERT, "up", "tenant_id", "public.items", "public.codes"), "u2-");
    again.runAll(700);
    again.assertTargetEqualsSources();
    assertThat(checksum(target, "up.items")).isEqualTo(before);
    try (Connection t = DBS.open(target)) {
      assertThat(longOf(t, "SELECT count(*) FROM up.items")).isEqualTo(ITEMS);
      assertThat(longOf(t, "SELECT count(*) FROM up.codes")).isEqualTo(300);
    }

    // Changed and new source rows arrive; rows deleted in the source stay (upsert never deletes).
    try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
      st.execute("UPDATE items SET name = 'renamed ' || id WHERE id % 10 = 0");
      st.execute("INSERT INTO items VALUES (" + (ITEMS + 1) + ", 'new', 1, NULL)");
    }
    try {
      LocalJob third = new LocalJob(DBS, spec("upsert-3", target, Mode.UPSERT, "up", "tenant_id", "public.items"), "u3-");
      third.runAll(700);
      third.assertTargetEqualsSources();
      try (Connection t = DBS.open(target)) {
        assertThat(longOf(t, "SELECT count(*) FROM up.items WHERE name LIKE 'renamed %'")).isEqualTo(ITEMS / 10);
      }
    } finally {
      try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
        st.execute("UPDATE items SET name = 'item ' || id WHERE id % 10 = 0");
        st.execute("DELETE FROM items WHERE id > " + ITEMS);
      }
    }
  }

  @Test
  void upsertRefusesATableWithoutKeyAndAnExistingTargetWithoutAUniqueIndexOnIt() throws Exception {
    String target = DBS.create("md_upsert_bad");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE SCHEMA up");
      st.execute("CREATE TABLE up.items (tenant_id text, id bigint, name text, price numeric(12,2), moods text[])");
    }
    PreflightReply reply = new Preflight().run(spec("upsert-bad", target, Mode.UPSERT, "up", "tenant_id",
        "public.items", "public.notes"));
    assertThat(reply.problems()).anyMatch(p -> p.contains("table public.notes has no primary key; mode upsert needs one"));
    assertThat(reply.problems()).anyMatch(p -> p.equals("target table up.items has no primary key or unique index on exactly"
        + " (tenant_id, id); mode upsert needs one to find existing rows (ON CONFLICT): add it, or use mode truncate"));
    assertThat(reply.problems()).anyMatch(p -> p.equals(
        "target column up.items.moods is text[], the source column is mood[]: the types must match"));
  }

  @Test
  void preserveSchemaListsEveryDriftAndCreatesNothing() throws Exception {
    String target = DBS.create("md_preserve_drift");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
      st.execute("CREATE TABLE items (id integer PRIMARY KEY, price numeric(12,2), moods mood[], required date NOT NULL)");
    }
    PreflightReply reply = new Preflight().run(spec("preserve-drift", target, Mode.PRESERVE_SCHEMA, null, null,
        "public.items", "public.codes"));
    assertThat(reply.problems()).containsExactlyInAnyOrder(
        "target column public.items.id is integer, the source column is bigint: the types must match",
        "target table public.items has no column name (text in the source)",
        "target column public.items.required is NOT NULL without a default, and the source has no such column to fill it",
        "target table public.codes does not exist; mode preserve_schema only writes into existing tables: create it, or use"
            + " mode create or append, which create missing tables");
    assertThat(reply.plans()).allSatisfy(p -> {
      assertThat(p.ddl().prepare()).as("only the foreign keys among the job's tables are dropped")
          .singleElement().asString().startsWith("DO $ferry$").doesNotContain("CREATE", "TRUNCATE");
      assertThat(p.ddl().types()).isEmpty();
    });
    try (Connection t = DBS.open(target)) {
      assertThat(longOf(t, "SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).isZero();
      assertThat(longOf(t, "SELECT count(*) FROM items")).isZero();
    }
  }

  @Test
  void preserveSchemaAppendsIntoTheTablesAsTheyAreAndMovesTheirSequences() throws Exception {
    String target = DBS.create("md_preserve");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE SCHEMA kept");
      st.execute("CREATE TABLE kept.codes (note text DEFAULT 'kept', n serial, code text NOT NULL, tenant text NOT NULL,"
          + " PRIMARY KEY (tenant, code))");
      st.execute("CREATE INDEX codes_note ON kept.codes (note)");
      st.execute("INSERT INTO kept.codes (code, tenant) VALUES ('other', 'z')");
    }
    LocalJob job = new LocalJob(DBS, spec("preserve", target, Mode.PRESERVE_SCHEMA, "kept", "tenant", "public.codes"), "p-");
    assertThat(job.reply.problems()).isEmpty();
    assertThat(job.plan("public.codes").targetHasRows()).isTrue();
    job.runAll(100);
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(target)) {
      assertThat(longOf(t, "SELECT count(*) FROM kept.codes")).isEqualTo(301);
      assertThat(stringOf(t, "SELECT note FROM kept.codes WHERE code = 'c1'")).isEqualTo("kept");
      assertThat(longOf(t, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'kept'")).as("no index added").isEqualTo(2);
      assertThat(longOf(t, "INSERT INTO kept.codes (code, tenant) VALUES ('next', 'z') RETURNING n"))
          .as("the table's own sequence moved past the copied values").isEqualTo(301);
    }
  }

  @Test
  void aTableCopiedOntoItselfIsRefusedInEveryModeUnlessItLandsInAnotherSchema() throws Exception {
    // The same database, spelled differently: localhost vs 127.0.0.1, default port vs explicit.
    String sameDatabase = sourceUrl.replace("127.0.0.1:5432", "localhost");
    for (Mode mode : Mode.values()) {
      PreflightReply reply = new Preflight().run(spec("guard", sameDatabase, mode, null, null, "public.codes"));
      assertThat(reply.problems()).as(mode.wireName()).singleElement().asString()
          .contains("table public.codes would be copied onto itself");
    }
    PreflightReply elsewhere = new Preflight().run(spec("guard", sameDatabase, Mode.CREATE, "copy", null, "public.codes"));
    assertThat(elsewhere.problems()).isEmpty();
  }

  @Test
  void aSecondAttemptOfADonePrepareUnitDoesNothingSoResumeNeverTruncatesAgain() throws Exception {
    String target = DBS.create("md_truncate");
    LocalJob job = new LocalJob(DBS, spec("truncate", target, Mode.TRUNCATE, "tr", null, "public.codes"), "t-");
    job.runAll(100);
    TablePlan codes = job.plan("public.codes");
    assertThat(codes.ddl().prepare()).anyMatch(s -> s.startsWith("TRUNCATE"));

    // The coordinator lost the prepare's result (or the worker died before reporting) and hands the unit out again.
    UnitOutcome again = job.run(Units.statements("t-prepare:tr.codes", "truncate", UnitKind.PREPARE, codes,
        codes.ddl().prepare(), job.source(codes), job.target()));
    assertThat(again.ok()).isTrue();
    try (Connection t = DBS.open(target)) {
      assertThat(longOf(t, "SELECT count(*) FROM tr.codes")).isEqualTo(300);
    }
  }

  /**
   * A source with a parent and a child table (no foreign key in the source, so {@code orphan} can hold a
   * child row whose parent is missing), and a target holding both with the child's key to the parent and
   * a key to a table outside the job.
   */
  private static JobSpec parentAndChild(String name, boolean orphan) throws SQLException {
    String source = DBS.create("md_fk_src");
    try (Connection c = DBS.open(source); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE parent (id bigint PRIMARY KEY, name text)");
      st.execute("CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint NOT NULL, kind_id int NOT NULL)");
      st.execute("INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 200) g");
      st.execute("INSERT INTO child SELECT g, 1 + g % 200, 1 FROM generate_series(1, 1000) g");
      if (orphan) {
        st.execute("INSERT INTO child VALUES (1001, 999, 1)");
      }
    }
    String target = DBS.create("md_fk_tgt");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE TABLE kinds (id int PRIMARY KEY)");
      st.execute("INSERT INTO kinds VALUES (1)");
      st.execute("CREATE TABLE parent (id bigint PRIMARY KEY, name text)");
      st.execute("CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint NOT NULL"
          + " CONSTRAINT child_parent_fk REFERENCES parent (id), kind_id int NOT NULL CONSTRAINT child_kind_fk REFERENCES kinds (id))");
    }
    return new JobSpec(name, new SourceSpec("postgresql", List.of(new TenantSpec("a", source, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", target, DBS.user(), DBS.password(), null, null),
        new TableSelection(List.of("public.parent", "public.child"), List.of()), Mode.PRESERVE_SCHEMA, null);
  }

  private static List<String> foreignKeys(Connection t) throws SQLException {
    List<String> names = new java.util.ArrayList<>();
    try (Statement st = t.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY conname")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void preserveSchemaCopiesAChildBeforeItsParentWithTheKeyBetweenThemDroppedAndRestoredAfter() throws Exception {
    JobSpec spec = parentAndChild("preserve-fk", false);
    LocalJob job = new LocalJob(DBS, spec, "pf-");
    assertThat(job.plan("public.child").warnings()).anyMatch(w -> w.contains("child_parent_fk") && w.contains("dropped for the copy"));
    job.prepare();
    try (Connection t = DBS.open(spec.target().url())) {
      assertThat(foreignKeys(t)).as("the key to a table outside the job stays").containsExactly("child_kind_fk");
    }
    // Tables are copied in parallel: the child's rows arrive first.
    for (String table : List.of("public.child", "public.parent")) {
      UnitOutcome o = job.run(job.copyAssignment(job.plan(table), 1, 100));
      assertThat(o.ok()).as(table + ": " + o.error()).isTrue();
    }
    job.finish();
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(spec.target().url())) {
      assertThat(foreignKeys(t)).containsExactly("child_kind_fk", "child_parent_fk");
      assertThat(longOf(t, "SELECT count(*) FROM ferry.dropped_constraints")).isZero();
    }
  }

  @Test
  void aKeyThatCopiedRowsViolateFailsTheJobsLastFinishNamingIt() throws Exception {
    JobSpec spec = parentAndChild("preserve-orphan", true);
    LocalJob job = new LocalJob(DBS, spec, "po-");
    job.prepare();
    assertThat(job.copy(100)).allSatisfy(o -> assertThat(o.ok()).as(o.error()).isTrue());

    UnitOutcome finish = job.jobFinish(List.of());
    assertThat(finish.ok()).isFalse();
    assertThat(finish.retryable()).isFalse();
    assertThat(finish.error()).contains("cannot restore foreign key child_parent_fk of public.child",
        "(parent_id)=(999)", "fix or delete those rows");
    try (Connection t = DBS.open(spec.target().url())) {
      assertThat(longOf(t, "SELECT count(*) FROM ferry.dropped_constraints")).as("kept for the next attempt").isEqualTo(1);
    }
  }

  /**
   * The copy units of one table run in parallel, so a row may arrive before the row of its own table it
   * references. Here every employee's manager comes later in key order, and the units run in key order:
   * truncate's prepare drops the table's key to itself for the copy, and the job's last finish restores it.
   */
  @Test
  void truncateCopiesASelfReferencingTableInUnitsWhoseRowsComeBeforeTheirManagers() throws Exception {
    String source = DBS.create("md_self_src");
    String create = "CREATE TABLE employees (id bigint PRIMARY KEY, name text NOT NULL,"
        + " manager_id bigint CONSTRAINT employees_manager_fk REFERENCES employees (id))";
    try (Connection c = DBS.open(source); Statement st = c.createStatement()) {
      st.execute(create);
      // Roots first (their rows come last in key order), then each id <= 200 reports to id + 100.
      st.execute("INSERT INTO employees SELECT g, 'e' || g, NULL FROM generate_series(201, 300) g");
      st.execute("INSERT INTO employees SELECT g, 'e' || g, g + 100 FROM generate_series(200, 1, -1) g");
      st.execute("ANALYZE employees");
    }
    String target = DBS.create("md_self_tgt");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute(create);
      st.execute("INSERT INTO employees VALUES (1000, 'old', NULL), (1001, 'old', 1000)");
    }
    JobSpec spec = new JobSpec("self-fk", new SourceSpec("postgresql", List.of(new TenantSpec("a", source, DBS.user(),
        DBS.password()))), new TargetSpec("postgresql", target, DBS.user(), DBS.password(), null, null),
        new TableSelection(List.of("public.employees"), List.of()), Mode.TRUNCATE, null);
    LocalJob job = new LocalJob(DBS, spec, "sf-");
    job.prepare();
    try (Connection t = DBS.open(target)) {
      assertThat(foreignKeys(t)).as("dropped for the copy").isEmpty();
      assertThat(stringOf(t, "SELECT string_agg(constraint_name, ',') FROM ferry.dropped_constraints"))
          .isEqualTo("employees_manager_fk");
    }
    TablePlan plan = job.plan("public.employees");
    List<KeyRange> units = List.of(new KeyRange(null, List.of("101")), new KeyRange(List.of("101"), List.of("201")),
        new KeyRange(List.of("201"), null));
    for (int i = 0; i < units.size(); i++) {
      UnitOutcome o = job.run(job.copyAssignment(plan, i, units.get(i), 50));
      assertThat(o.ok()).as("unit " + i + ": " + o.error()).isTrue();
      assertThat(o.rows()).isEqualTo(100);
    }
    job.finish();
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(target)) {
      assertThat(foreignKeys(t)).containsExactly("employees_manager_fk");
      assertThat(longOf(t, "SELECT count(*) FROM ferry.dropped_constraints")).isZero();
    }
  }

  private static String checksum(String url, String table) throws SQLException {
    try (Connection c = DBS.open(url)) {
      return TableChecksum.compute(c, table, TableChecksum.listColumns(c, table), null, null).toString();
    }
  }
}
