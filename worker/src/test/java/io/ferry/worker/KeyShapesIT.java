package io.ferry.worker;

import static io.ferry.testsupport.TestPostgres.longOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.testsupport.KeyShapes;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.postgres.PgSql;
import io.ferry.worker.postgres.PostgresRange;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import io.ferry.worker.verify.TableChecksum;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every key shape through survey, split, copy and finish, the way the coordinator drives them, with
 * small chunks and a worker stop after <em>every</em> committed chunk: each chunk after the first of a
 * unit is read by a new attempt that resumes after the checkpoint's last key. Then every table is
 * compared with its source (count and checksum) and its checkpoints must add up to the source's rows.
 */
class KeyShapesIT {

  private static final String JOB = "job-key-shapes";
  private static final UnitSize UNIT = new UnitSize(1_000L, 512L * 1024);
  private static final int CHUNK_ROWS = 250;
  private static final int ROWS = 3_000;
  private static final TestPostgres DBS = new TestPostgres();
  private static String sourceUrl;
  private static String targetUrl;
  private static Map<String, TablePlan> plans;
  private static final Map<String, Integer> ATTEMPTS = new LinkedHashMap<>();
  private static final Map<String, List<String>> UNITS = new LinkedHashMap<>();

  @BeforeAll
  static void surveyAndCopyEveryShape() throws Exception {
    sourceUrl = DBS.create("ks_src");
    targetUrl = DBS.create("ks_tgt");
    try (Connection c = DBS.open(sourceUrl)) {
      KeyShapes.create(c, 1, ROWS);
    }
    JobSpec spec = new JobSpec(JOB, new SourceSpec("postgresql", List.of(new TenantSpec("t1", sourceUrl, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), null, "tenant_id"),
        new TableSelection(List.of("public.*"), List.of()), Mode.DROP_RECREATE, UNIT);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    plans = new LinkedHashMap<>();
    reply.plans().forEach(p -> plans.put(p.sourceTable(), p));
    new LocalJob(reply.plans()).run();
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  @Test
  void surveysEveryKeyShapeWithItsMethodTypesAndQuantiles() {
    assertKey("public.composite", SplitMethod.PRIMARY_KEY, List.of("region", "code"), List.of("integer", "text"), false);
    assertKey("public.uuids", SplitMethod.PRIMARY_KEY, List.of("id"), List.of("uuid"), false);
    assertKey("public.icu_names", SplitMethod.PRIMARY_KEY, List.of("name"), List.of("text"), false);
    assertKey("public.ci_names", SplitMethod.PRIMARY_KEY, List.of("name"), List.of("character varying(40)"), false);
    assertKey("public.events", SplitMethod.PRIMARY_KEY, List.of("at"), List.of("timestamp with time zone"), false);
    assertKey("public.daily", SplitMethod.PRIMARY_KEY, List.of("day", "n"), List.of("date", "integer"), false);
    assertKey("public.nullable_keys", SplitMethod.UNIQUE_INDEX, List.of("a", "b"), List.of("text", "integer"), true);
    assertKey("public.two_uniques", SplitMethod.UNIQUE_INDEX, List.of("y", "z"), List.of("integer", "integer"), false);
    assertKey("public.heap_rows", SplitMethod.CTID, List.of("ctid"), List.of("tid"), false);
    assertThat(plans.get("public.heap_rows").split().sampleMethod()).isEqualTo("blocks");
    // A collation orders text keys; the target DDL does not carry it, so only collation-free columns are portable.
    assertThat(plans.get("public.composite").split().orderPortable()).containsExactly(true, false);
    assertThat(plans.get("public.ci_names").split().orderPortable()).containsExactly(false);
    assertThat(plans.get("public.daily").split().orderPortable()).containsExactly(true, true);
    assertThat(plans.get("public.uuids").split().orderPortable()).containsExactly(true);
    assertThat(plans.get("public.heap_rows").split().orderPortable()).as("row addresses differ on the target").containsExactly(false);
    assertThat(plans.get("public.uuids").split().sampleMethod()).as("analyzed single column").isEqualTo("histogram");
    assertThat(plans.get("public.composite").split().sampleMethod()).isEqualTo("exact");
    assertThat(plans.get("public.nullable_keys").warnings()).anyMatch(w -> w.contains("unique index nullable_keys_a_b_key")
        && w.contains("NULL are copied as one unit of their own"));
    assertThat(plans.get("public.heap_rows").warnings()).anyMatch(w -> w.contains("not written while it is copied"));
    // ICU sorts case-insensitively first ("apple" < "Apple" < "banana"); C would put every capital first.
    List<String> icu = plans.get("public.icu_names").split().quantiles().stream().map(t -> t.get(0)).toList();
    assertThat(icu.indexOf(icu.stream().filter(v -> v.startsWith("Zebra")).findFirst().orElseThrow()))
        .isGreaterThan(icu.indexOf(icu.stream().filter(v -> v.startsWith("apple")).findFirst().orElseThrow()));
    for (String table : List.of("public.composite", "public.uuids", "public.icu_names", "public.ci_names", "public.events",
        "public.daily", "public.nullable_keys", "public.heap_rows", "public.skewed_codes", "public.wide")) {
      assertThat(plans.get(table).split().quantiles()).as(table).hasSizeGreaterThan(10)
          .allSatisfy(t -> assertThat(t).hasSize(plans.get(table).split().key().size()).doesNotContainNull());
    }
  }

  @Test
  void aPartitionedTableIsItsParentPlusOnePlanPerLeafPartition() throws SQLException {
    TablePlan parent = plans.get("public.measurements");
    assertThat(parent.split().method()).isEqualTo(SplitMethod.SINGLE_UNIT);
    assertThat(parent.estimatedRows()).isZero();
    assertThat(parent.partitionOf()).isNull();
    assertThat(parent.ddl().prepare()).anyMatch(s -> s.endsWith("PARTITION BY RANGE (at)"))
        .anyMatch(s -> s.contains("\"archive\".\"measurements_2023\" PARTITION OF \"public\".\"measurements\""))
        .anyMatch(s -> s.endsWith("PARTITION OF \"public\".\"measurements\" DEFAULT"));
    assertThat(parent.warnings()).anyMatch(w -> w.contains("its 3 leaf partitions are copied as tables of their own"));
    for (String leaf : List.of("public.measurements_2024", "archive.measurements_2023", "public.measurements_other")) {
      TablePlan p = plans.get(leaf);
      assertThat(p.partitionOf()).as(leaf).isEqualTo("public.measurements");
      assertThat(p.targetTable()).isEqualTo(leaf);
      assertThat(p.ddl().prepare()).isEmpty();
      assertThat(p.ddl().finish()).containsExactly("ANALYZE " + PgSql.table(io.ferry.worker.dialect.TableName.parse(leaf)));
      assertThat(p.split().key()).containsExactly("id", "at");
    }
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(longOf(t, "SELECT count(*) FROM pg_partition_tree('public.measurements') WHERE isleaf")).isEqualTo(3);
      assertThat(longOf(t, "SELECT count(*) FROM public.measurements")).isEqualTo(ROWS);
      // The parent's finish built the key and the index on every partition.
      assertThat(longOf(t, "SELECT count(*) FROM pg_index WHERE indrelid = 'archive.measurements_2023'::regclass")).isEqualTo(2);
      assertThat(longOf(t, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.measurements'::regclass AND contype = 'p'"))
          .isEqualTo(1);
    }
  }

  @Test
  void everyShapeIsCopiedExactlyOnceThroughResumesMidUnit() throws SQLException {
    try (Connection s = DBS.open(sourceUrl); Connection t = DBS.open(targetUrl)) {
      for (TablePlan p : plans.values()) {
        if (p.sourceTable().equals("public.measurements")) {
          continue;
        }
        List<String> columns = p.columns().stream().map(ColumnPlan::name).toList();
        TableChecksum.Result expected = TableChecksum.compute(s, p.sourceTable(), columns, null, null);
        TableChecksum.Result actual = TableChecksum.compute(t, p.targetTable(), columns, "tenant_id", "t1");
        assertThat(actual).as(p.sourceTable()).isEqualTo(expected);
        assertThat(expected.rows()).as(p.sourceTable()).isPositive();
        String units = UNITS.get(p.sourceTable()).stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
        assertThat(longOf(t, "SELECT sum(rows) FROM ferry.checkpoints WHERE done AND unit_id IN (" + units + ")"))
            .as("checkpoint rows of %s", p.sourceTable()).isEqualTo(expected.rows());
      }
      // Every unit of more than one chunk was stopped after each chunk and resumed by a new attempt.
      assertThat(longOf(t, "SELECT count(*) FROM ferry.checkpoints WHERE chunks > 2")).isGreaterThan(20);
      assertThat(ATTEMPTS.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(3);
      assertThat(longOf(t, "SELECT count(*) FROM public.nullable_keys WHERE a IS NULL OR b IS NULL"))
          .isEqualTo(longOf(s, "SELECT count(*) FROM public.nullable_keys WHERE a IS NULL OR b IS NULL")).isPositive();
    }
  }

  @Test
  void skewedTextKeysGiveUnitsWithinTwiceOfEachOther() throws SQLException {
    TablePlan p = plans.get("public.skewed_codes");
    assertThat(p.split().sampleMethod()).isEqualTo("histogram");
    List<KeyRange> ranges = Units.split(p, UNIT);
    assertThat(ranges).hasSizeGreaterThanOrEqualTo(8);
    List<Long> counts = new ArrayList<>();
    try (Connection s = DBS.open(sourceUrl)) {
      for (KeyRange r : ranges) {
        String where = PostgresRange.predicate(SplitKey.of(p), r, null);
        counts.add(longOf(s, "SELECT count(*) FROM public.skewed_codes" + (where.isEmpty() ? "" : " WHERE " + where)));
      }
    }
    assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(4 * ROWS);
    long min = counts.stream().mapToLong(Long::longValue).min().orElseThrow();
    long max = counts.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertThat(max).as("rows per unit %s", counts).isLessThanOrEqualTo(2 * min);
  }

  @Test
  void wideRowsGiveUnitsBoundedByTheUnitBytes() throws SQLException {
    TablePlan p = plans.get("public.wide");
    assertThat(p.estimatedBytes()).as("pg_table_size counts TOAST").isGreaterThan(8L * UNIT.bytes());
    assertThat(UNITS.get("public.wide")).hasSizeGreaterThanOrEqualTo(8);
    try (Connection t = DBS.open(targetUrl)) {
      String units = UNITS.get("public.wide").stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
      long largest = longOf(t, "SELECT max(bytes) FROM ferry.checkpoints WHERE unit_id IN (" + units + ")");
      long smallest = longOf(t, "SELECT min(bytes) FROM ferry.checkpoints WHERE unit_id IN (" + units + ")");
      assertThat(largest).isLessThanOrEqualTo(UNIT.bytes() * 3 / 2).isLessThanOrEqualTo(2 * smallest);
    }
  }

  private static void assertKey(String table, SplitMethod method, List<String> key, List<String> types, boolean nullable) {
    TablePlan p = plans.get(table);
    assertThat(p.split().method()).as(table).isEqualTo(method);
    assertThat(p.split().key()).as(table).isEqualTo(key);
    assertThat(p.split().types()).as(table).isEqualTo(types);
    assertThat(p.split().nullable()).as(table).isEqualTo(nullable);
  }


  /** Runs a job's plans in the coordinator's order, in this thread: prepare, copy with resumes, finish. */
  private static final class LocalJob {
    private final List<TablePlan> plans;
    private final UnitExecutor executor = new UnitExecutor();
    private final Set<String> parents;

    LocalJob(List<TablePlan> plans) {
      this.plans = plans;
      this.parents = plans.stream().map(TablePlan::partitionOf).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    }

    void run() {
      // The job's type prepare: user-defined types and collations, each once.
      List<String> types = plans.stream().flatMap(p -> p.ddl().types().stream()).distinct().toList();
      statements("prepare:*types", UnitKind.PREPARE, plans.get(0), types);
      for (TablePlan p : plans) {
        if (p.partitionOf() == null) {
          statements("prepare:" + p.targetTable(), UnitKind.PREPARE, p, p.ddl().prepare());
        }
      }
      for (TablePlan p : plans) {
        if (parents.contains(p.targetTable())) {
          continue;
        }
        List<KeyRange> ranges = Units.split(p, UNIT);
        for (int i = 0; i < ranges.size(); i++) {
          copyWithAStopAfterEveryChunk("copy:" + p.sourceTable() + ":" + i, p, ranges.get(i));
        }
      }
      // Leaves first, as the coordinator orders them: the parent's finish waits for every leaf's copies.
      plans.stream().sorted((a, b) -> Boolean.compare(a.partitionOf() == null, b.partitionOf() == null))
          .forEach(p -> statements("finish:" + p.targetTable(), UnitKind.FINISH, p, p.ddl().finish()));
    }

    private void statements(String id, UnitKind kind, TablePlan p, List<String> statements) {
      UnitOutcome o = executor.execute(Units.statements(id, JOB, kind, p, statements, source(), target()), new UnitControl(),
          ProgressListener.NONE);
      assertThat(o.ok()).as(o.error()).isTrue();
    }

    /** Each attempt is told to stop as soon as it commits a chunk; the next attempt resumes from the checkpoint. */
    private void copyWithAStopAfterEveryChunk(String id, TablePlan p, KeyRange range) {
      UNITS.computeIfAbsent(p.sourceTable(), k -> new ArrayList<>()).add(id);
      for (int epoch = 1; epoch < 200; epoch++) {
        UnitControl control = new UnitControl();
        UnitOutcome o = executor.execute(Units.copy(id, JOB, p, range, epoch, source(), target(), "tenant_id", CHUNK_ROWS),
            control, (rows, bytes, chunkRows, chunkBytes) -> control.stop());
        ATTEMPTS.put(id, epoch);
        if (o.ok()) {
          return;
        }
        assertThat(o.error()).as(id).isEqualTo(UnitOutcome.STOPPING);
      }
      throw new AssertionError(id + " did not finish in 200 attempts");
    }

    private static Endpoint source() {
      return DBS.connection(sourceUrl);
    }

    private static Endpoint target() {
      return DBS.connection(targetUrl);
    }
  }
}
