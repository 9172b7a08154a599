package io.ferry.worker.unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Lease;
import io.ferry.protocol.unit.Progress;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.preflight.Preflight;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows the target rejects (a CHECK constraint the source's rows do not all meet), against real databases:
 * the copy isolates exactly those rows, and per onRowError fails naming the key or records them in
 * ferry.rejects together with the checkpoint that moves past them.
 */
class RejectedRowsIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final int ROWS = 2_000;
  private static final long CHUNK_ROWS = 300;
  /** Adjacent rows, both sides of a chunk boundary (300 | 301), a lone one, and the range's last row. */
  private static final List<Long> BAD = List.of(7L, 8L, 300L, 301L, 1234L, 2000L);
  private static final String JOB = "rejects-it";
  private static String sourceUrl;

  @BeforeAll
  static void source() throws Exception {
    sourceUrl = DBS.create("rj_src");
    try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE items (id bigint PRIMARY KEY, qty integer NOT NULL, note text)");
      st.execute("INSERT INTO items SELECT g, g % 50, 'note ' || g FROM generate_series(1, " + ROWS + ") g");
      try (PreparedStatement ps = c.prepareStatement("UPDATE items SET qty = -id WHERE id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("bigint", BAD.toArray()));
        ps.executeUpdate();
      }
      // A bad row whose payload needs COPY's escapes.
      st.execute("UPDATE items SET note = E'tab\\there\\nand a \\\\ backslash' WHERE id = 300");
      // A nullable unique key: the rows with a NULL code form a range of their own, read as one chunk.
      st.execute("CREATE TABLE codes (code text UNIQUE, qty integer NOT NULL)");
      st.execute("INSERT INTO codes SELECT 'c' || g, g FROM generate_series(1, 100) g");
      st.execute("INSERT INTO codes VALUES (NULL, 1), (NULL, -1), (NULL, 2)");
      // No key at all: ranges over the row address (ctid).
      st.execute("CREATE TABLE loose (qty integer NOT NULL, note text)");
      st.execute("INSERT INTO loose SELECT CASE WHEN g IN (5, 77) THEN -g ELSE g END, 'n' || g FROM generate_series(1, 500) g");
      st.execute("ANALYZE");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  /** A target whose items table refuses negative quantities: the rows in BAD. */
  private static String target(String prefix) throws SQLException {
    String url = DBS.create(prefix);
    try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA app");
      st.execute("CREATE TABLE app.items (tenant_id text NOT NULL, id bigint NOT NULL, qty integer NOT NULL CHECK (qty >= 0),"
          + " note text, PRIMARY KEY (tenant_id, id))");
      st.execute("CREATE TABLE app.codes (tenant_id text NOT NULL, code text, qty integer NOT NULL CHECK (qty >= 0))");
      st.execute("CREATE TABLE app.loose (tenant_id text NOT NULL, qty integer NOT NULL CHECK (qty >= 0), note text)");
    }
    return url;
  }

  private static TablePlan plan(String targetUrl) {
    return plan(targetUrl, "public.items");
  }

  private static TablePlan plan(String targetUrl, String table) {
    JobSpec spec = new JobSpec(JOB, new SourceSpec("postgresql", List.of(new TenantSpec("a", sourceUrl, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), "app", "tenant_id"),
        new TableSelection(List.of(table), List.of()), Mode.APPEND, null, null, RowErrorPolicy.REJECT);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    return reply.plans().get(0);
  }

  private static Assignment copy(String unitId, TablePlan plan, KeyRange range, long epoch, String targetUrl,
      RowErrorPolicy policy) {
    return copy(unitId, plan, range, epoch, targetUrl, policy, Mode.APPEND);
  }

  private static Assignment copy(String unitId, TablePlan plan, KeyRange range, long epoch, String targetUrl,
      RowErrorPolicy policy, Mode mode) {
    return new Assignment(Units.unit(unitId, JOB, UnitKind.COPY, plan, range, epoch), plan, DBS.connection(sourceUrl),
        DBS.connection(targetUrl), "tenant_id", List.of(), CHUNK_ROWS, 64L * 1024 * 1024, mode, List.of(), policy);
  }

  private static UnitOutcome run(Assignment a, UnitControl control, ProgressListener progress) {
    return new UnitExecutor().execute(a, control, progress);
  }

  @Test
  void isolatesExactlyTheRejectedRowsAmongManyGoodOnesAcrossChunkBoundariesAndUnits() throws Exception {
    String target = target("rj_two");
    TablePlan plan = plan(target);
    List<Long> reported = new ArrayList<>();
    ProgressListener progress = onReject(reported::add);
    UnitOutcome low = run(copy("u-low", plan, new KeyRange(null, List.of("1000")), 1, target, RowErrorPolicy.REJECT),
        new UnitControl(), progress);
    UnitOutcome high = run(copy("u-high", plan, new KeyRange(List.of("1000"), null), 1, target, RowErrorPolicy.REJECT),
        new UnitControl(), progress);

    assertThat(low.ok()).as(low.error()).isTrue();
    assertThat(high.ok()).as(high.error()).isTrue();
    assertThat(low.rejected()).isEqualTo(4);
    assertThat(high.rejected()).isEqualTo(2);
    assertThat(low.rows() + high.rows()).isEqualTo(ROWS - BAD.size());
    assertThat(reported).as("each rejected row is reported once, as the unit's running total").containsExactly(1L, 2L, 3L, 4L, 1L, 2L);
    // The job-level verify unit counts them per tenant and table.
    UnitOutcome checks = run(new Assignment(Units.unit("verify:*", JOB, UnitKind.VERIFY, null, null, 1), null,
        DBS.connection(sourceUrl), DBS.connection(target), "tenant_id", List.of(), 0, 0, null, List.of(), null),
        new UnitControl(), ProgressListener.NONE);
    assertThat(checks.ok()).as(checks.error()).isTrue();
    assertThat(checks.findings().rejected()).containsExactly(new VerifyFindings.TableRows("a", "app.items", 6));
    assertThat(checks.findings().scope()).contains("orphans not checked");
    try (Connection t = DBS.open(target)) {
      assertThat(rejectedKeys(t)).containsExactlyElementsOf(new TreeSet<>(BAD));
      assertTargetIsSourceWithout(t, BAD);
      assertThat(checkpoint(t, "u-low")).isEqualTo("995 rows, 4 rejected, done");
      assertThat(checkpoint(t, "u-high")).isEqualTo("999 rows, 2 rejected, done");
      try (Statement st = t.createStatement();
           ResultSet rs = st.executeQuery("SELECT unit_id, tenant_id, table_name, columns, payload, payload_truncated, error,"
               + " sql_state FROM ferry.rejects WHERE row_key = '[\"300\"]'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("u-low");
        assertThat(rs.getString(2)).isEqualTo("a");
        assertThat(rs.getString(3)).isEqualTo("app.items");
        assertThat(rs.getString(4)).isEqualTo("[\"tenant_id\",\"id\",\"qty\",\"note\"]");
        assertThat(rs.getString(5)).isEqualTo("a\t300\t-300\ttab\\there\\nand a \\\\ backslash");
        assertThat(rs.getBoolean(6)).isFalse();
        assertThat(rs.getString(7)).contains("violates check constraint \"items_qty_check\"");
        assertThat(rs.getString(8)).isEqualTo("23514");
      }
    }
  }

  @Test
  void thePayloadLoadsBackWithCopyOnceTheTargetAcceptsIt() throws Exception {
    String target = target("rj_load");
    TablePlan plan = plan(target);
    assertThat(run(copy("u-all", plan, KeyRange.ALL, 1, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE).ok()).isTrue();
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("ALTER TABLE app.items DROP CONSTRAINT items_qty_check");
      List<String> lines = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT payload FROM ferry.rejects ORDER BY row_key")) {
        while (rs.next()) {
          lines.add(rs.getString(1) + "\n");
        }
      }
      long loaded = t.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(
          "COPY app.items (tenant_id, id, qty, note) FROM STDIN", new java.io.StringReader(String.join("", lines)));
      assertThat(loaded).isEqualTo(BAD.size());
      assertTargetIsSourceWithout(t, List.of());
    }
  }

  @Test
  void upsertIsolatesTheRowsItsMergeRejects() throws Exception {
    String target = target("rj_upsert");
    TablePlan plan = plan(target);
    UnitOutcome outcome = run(copy("u-upsert", plan, KeyRange.ALL, 1, target, RowErrorPolicy.REJECT, Mode.UPSERT),
        new UnitControl(), ProgressListener.NONE);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(outcome.rejected()).isEqualTo(BAD.size());
    try (Connection t = DBS.open(target)) {
      assertThat(rejectedKeys(t)).containsExactlyElementsOf(new TreeSet<>(BAD));
      assertTargetIsSourceWithout(t, BAD);
    }
  }

  @Test
  void aRollbackForgetsTheUnitsRejectedRowsAndTheCopyAgainRecordsThemOnce() throws Exception {
    String target = target("rj_rollback");
    TablePlan plan = plan(target);
    UnitOutcome first = run(copy("u-rb", plan, KeyRange.ALL, 1, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE);
    assertThat(first.rejected()).isEqualTo(BAD.size());
    WorkUnit copied = new WorkUnit("u-rb", JOB, UnitKind.COPY,
        new Slice("a", plan.targetTable(), plan.sourceTable(), KeyRange.ALL, 0, 0), UnitState.DONE, new Lease(1, 1, null, 0),
        new Progress(first.rows(), first.bytes(), first.rejected(), null));
    WorkUnit rollback = new WorkUnit("rollback:0001", JOB, UnitKind.ROLLBACK, new Slice("a", plan.targetTable(), null, null, 0, 0),
        UnitState.LEASED, new Lease(1, 1, "test-worker", 0), Progress.NONE);
    UnitOutcome rolledBack = run(new Assignment(rollback, plan, DBS.connection(target), DBS.connection(target), "tenant_id",
        List.of(), 0, 0, null, List.of(copied), null), new UnitControl(), ProgressListener.NONE);
    assertThat(rolledBack.ok()).as(rolledBack.error()).isTrue();
    try (Connection t = DBS.open(target)) {
      assertThat(count(t, "SELECT count(*) FROM ferry.rejects")).as("forgotten with the rows").isZero();
      assertThat(checkpoint(t, "u-rb")).isEqualTo("0 rows, 0 rejected, not done");
    }

    UnitOutcome again = run(copy("u-rb", plan, KeyRange.ALL, 3, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE);
    assertThat(again.ok()).as(again.error()).isTrue();
    assertThat(again.rejected()).isEqualTo(BAD.size());
    try (Connection t = DBS.open(target)) {
      assertThat(rejectedKeys(t)).containsExactlyElementsOf(new TreeSet<>(BAD));
      assertThat(checkpoint(t, "u-rb")).isEqualTo((ROWS - BAD.size()) + " rows, " + BAD.size() + " rejected, done");
      assertTargetIsSourceWithout(t, BAD);
    }
  }

  @Test
  void failNamesTheKeyAndTheDatabaseMessageAndKeepsTheRowsBeforeIt() throws Exception {
    String target = target("rj_fail");
    TablePlan plan = plan(target);
    UnitOutcome outcome = run(copy("u-fail", plan, KeyRange.ALL, 1, target, RowErrorPolicy.FAIL), new UnitControl(),
        ProgressListener.NONE);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.retryable()).as("the row would be rejected again").isFalse();
    assertThat(outcome.error()).startsWith("copy unit u-fail of job rejects-it, tenant a, table app.items")
        .contains("the target rejected the row with key (id)=(7)", "SQLSTATE 23514",
            "violates check constraint \"items_qty_check\"");
    try (Connection t = DBS.open(target)) {
      assertThat(count(t, "SELECT count(*) FROM ferry.rejects")).isZero();
      assertThat(checkpoint(t, "u-fail")).as("the rows before the bad one are committed with their checkpoint")
          .isEqualTo("6 rows, 0 rejected, not done");
      assertThat(count(t, "SELECT count(*) FROM app.items")).isEqualTo(6);
    }
  }

  @Test
  void aRejectWhoseCheckpointIsRefusedLeavesNoRecord() throws Exception {
    String target = target("rj_fence");
    TablePlan plan = plan(target);
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      t.setAutoCommit(false);
      new io.ferry.worker.postgres.PostgresTarget().checkpoints().ensureSchema(t);
      t.setAutoCommit(true);
      // Another worker takes the unit over right after the reject is inserted, before its checkpoint is written.
      st.execute("CREATE FUNCTION bump_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " UPDATE ferry.checkpoints SET epoch = epoch + 1 WHERE job_id = NEW.job_id AND unit_id = NEW.unit_id;"
          + " RETURN NEW; END $$");
      st.execute("CREATE TRIGGER bump AFTER INSERT ON ferry.rejects FOR EACH ROW EXECUTE FUNCTION bump_epoch()");
    }
    UnitOutcome refused = run(copy("u-fence", plan, KeyRange.ALL, 1, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE);
    assertThat(refused.error()).isEqualTo(UnitOutcome.LEASE_LOST);
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      assertThat(count(t, "SELECT count(*) FROM ferry.rejects")).as("rolled back with the refused checkpoint").isZero();
      assertThat(checkpoint(t, "u-fence")).isEqualTo("6 rows, 0 rejected, not done");
      st.execute("DROP TRIGGER bump ON ferry.rejects");
    }

    UnitOutcome resumed = run(copy("u-fence", plan, KeyRange.ALL, 2, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE);
    assertThat(resumed.ok()).as(resumed.error()).isTrue();
    try (Connection t = DBS.open(target)) {
      assertThat(rejectedKeys(t)).containsExactlyElementsOf(new TreeSet<>(BAD));
      assertTargetIsSourceWithout(t, BAD);
    }
  }

  @Test
  void aUnitResumedAfterItStoppedMidIsolationRecordsEachRejectedRowOnce() throws Exception {
    String target = target("rj_resume");
    TablePlan plan = plan(target);
    Set<Long> stopsAt = Set.of(1L, 3L, 5L);
    long epoch = 0;
    UnitOutcome outcome;
    do {
      epoch++;
      UnitControl control = new UnitControl();
      // The lease is lost right after a rejected row is recorded, while the next bad row is being searched for.
      ProgressListener progress = onReject(rejected -> {
        if (stopsAt.contains(rejected)) {
          control.loseLease();
        }
      });
      outcome = run(copy("u-resume", plan, KeyRange.ALL, epoch, target, RowErrorPolicy.REJECT), control, progress);
    } while (!outcome.ok() && epoch < 10);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(epoch).as("stopped three times, done at the fourth attempt").isEqualTo(4);
    assertThat(outcome.rejected()).isEqualTo(BAD.size());
    try (Connection t = DBS.open(target)) {
      assertThat(rejectedKeys(t)).containsExactlyElementsOf(new TreeSet<>(BAD));
      assertThat(checkpoint(t, "u-resume")).isEqualTo((ROWS - BAD.size()) + " rows, " + BAD.size() + " rejected, done");
      assertTargetIsSourceWithout(t, BAD);
    }
  }

  @Test
  void theNullKeyRangeCannotIsolateARowAndFailsWhateverThePolicy() throws Exception {
    String target = target("rj_nullkey");
    TablePlan plan = plan(target, "public.codes");
    assertThat(plan.split().nullable()).isTrue();
    UnitOutcome outcome = run(copy("u-nulls", plan, KeyRange.NULL_KEYS, 1, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.retryable()).isFalse();
    assertThat(outcome.error()).contains("cannot isolate it", "rows whose key has a NULL column",
        "violates check constraint \"codes_qty_check\"");
    try (Connection t = DBS.open(target)) {
      assertThat(count(t, "SELECT count(*) FROM app.codes")).isZero();
      assertThat(count(t, "SELECT count(*) FROM ferry.rejects")).isZero();
    }
  }

  @Test
  void aTableWithoutAKeyIsolatesItsRowsByTheirAddress() throws Exception {
    String target = target("rj_ctid");
    TablePlan plan = plan(target, "public.loose");
    assertThat(plan.split().key()).containsExactly("ctid");
    UnitOutcome outcome = run(copy("u-loose", plan, KeyRange.ALL, 1, target, RowErrorPolicy.REJECT), new UnitControl(),
        ProgressListener.NONE);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(outcome.rejected()).isEqualTo(2);
    try (Connection t = DBS.open(target)) {
      assertThat(count(t, "SELECT count(*) FROM app.loose")).isEqualTo(498);
      assertThat(count(t, "SELECT count(*) FROM app.loose WHERE qty < 0")).isZero();
      List<String> rejected = new ArrayList<>();
      try (Statement st = t.createStatement();
           ResultSet rs = st.executeQuery("SELECT row_key, payload FROM ferry.rejects ORDER BY payload")) {
        while (rs.next()) {
          rejected.add(rs.getString(1) + " " + rs.getString(2));
        }
      }
      assertThat(rejected).hasSize(2);
      assertThat(rejected.get(0)).matches("\\[\"\\(\\d+,\\d+\\)\"\\] a\t-5\tn5");
      assertThat(rejected.get(1)).matches("\\[\"\\(\\d+,\\d+\\)\"\\] a\t-77\tn77");
    }
  }

  /** Told the unit's running total of rejected rows each time one is recorded. */
  private static ProgressListener onReject(java.util.function.LongConsumer total) {
    return new ProgressListener() {
      @Override
      public void committed(long rows, long bytes, long rowsDelta, long bytesDelta) {
      }

      @Override
      public void committed(long rows, long bytes, long rejected, long rowsDelta, long bytesDelta) {
        if (rowsDelta == 0) {
          total.accept(rejected);
        }
      }
    };
  }

  private static Set<Long> rejectedKeys(Connection t) throws SQLException {
    Set<Long> keys = new TreeSet<>();
    List<String> raw = new ArrayList<>();
    try (Statement st = t.createStatement(); ResultSet rs = st.executeQuery("SELECT row_key FROM ferry.rejects")) {
      while (rs.next()) {
        raw.add(rs.getString(1));
        keys.add(Long.parseLong(rs.getString(1).replaceAll("[\\[\\]\"]", "")));
      }
    }
    assertThat(raw).as("no key twice").doesNotHaveDuplicates();
    return keys;
  }

  private static String checkpoint(Connection t, String unitId) throws SQLException {
    try (PreparedStatement ps = t.prepareStatement(
        "SELECT rows, rejected, done FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ?")) {
      ps.setString(1, JOB);
      ps.setString(2, unitId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getLong(1) + " rows, " + rs.getLong(2) + " rejected, " + (rs.getBoolean(3) ? "done" : "not done");
      }
    }
  }

  /** Row for row: the target's tenant rows are the source's rows other than {@code without}. */
  private static void assertTargetIsSourceWithout(Connection t, List<Long> without) throws SQLException {
    String digest = "SELECT count(*) || ':' || coalesce(md5(string_agg(id || '|' || qty || '|' || coalesce(note, '~'), ','"
        + " ORDER BY id)), '') FROM ";
    String expected;
    try (Connection s = DBS.open(sourceUrl);
         PreparedStatement ps = s.prepareStatement(digest + "items WHERE id <> ALL (?)")) {
      ps.setArray(1, s.createArrayOf("bigint", without.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        expected = rs.getString(1);
      }
    }
    assertThat(string(t, digest + "app.items WHERE tenant_id = 'a'")).isEqualTo(expected);
  }

  private static long count(Connection c, String sql) throws SQLException {
    return Long.parseLong(string(c, sql));
  }

  private static String string(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
