package io.ferry.worker;

import static io.ferry.testsupport.TestPostgres.longOf;
import static io.ferry.testsupport.TestPostgres.stringOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.Checkpoint;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.postgres.PostgresTarget;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every type Ferry promises to move, copied through real units and compared by checksum: the built-in
 * types (binary passthrough) and user-defined enums, domains, composite types, range types, arrays of
 * them and an extension type (text COPY where their binary form names database-specific OIDs).
 */
class TypesIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final int PEOPLE = 2_000;
  private static String sourceUrl;

  @BeforeAll
  static void source() throws Exception {
    sourceUrl = DBS.create("ty_src");
    try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION citext");
      st.execute("""
          CREATE TABLE every_type (
            id bigint PRIMARY KEY, n numeric, n2 numeric(30,10), iv interval, r4 int4range, rtz tstzrange, nr numrange,
            dr daterange, mr int4multirange, ip inet, net cidr, mac macaddr, m money, b bytea, j jsonb, js json,
            ta text[], ia int[], grid int[][], na numeric[], ts timestamptz, t timestamp, d date, tm time, ttz timetz,
            u uuid, bits bit(8), vb varbit, x xml, f4 real, f8 double precision, ok boolean, ch char(3),
            vc varchar(20), pt point, tsv tsvector, i2 smallint, email citext)""");
      st.execute("""
          INSERT INTO every_type SELECT g,
            ('123456789012345678901234567890.' || repeat(g::text, 20))::numeric * (CASE WHEN g % 2 = 0 THEN -1 ELSE 1 END),
            (g * 1.2345678901)::numeric(30,10),
            make_interval(years => g % 3, months => g % 12, days => g % 40, secs => g * 1.5),
            int4range(g, g + 10), tstzrange(timestamptz '2024-01-01 00:00+00' + g * interval '1 hour', NULL),
            numrange(g / 3.0, g / 2.0, '(]'), daterange(date '2020-02-29' + g, date '2020-02-29' + g + 7),
            int4multirange(int4range(1, g + 2), int4range(g + 5, g + 9)),
            ('10.0.' || (g % 256) || '.' || (g % 200) || '/24')::inet, ('10.' || (g % 256) || '.0.0/16')::cidr,
            ('08:00:2b:01:02:' || lpad(to_hex(g % 256), 2, '0'))::macaddr, (g * 12.34)::money,
            decode(md5(g::text) || '00ff', 'hex'), jsonb_build_object('g', g, 'nested', jsonb_build_array(g, 'ü', NULL)),
            ('{"g": ' || g || ', "dup": 1, "dup": 2}')::json,
            ARRAY['a' || g, NULL, 'quote " and \\ backslash', ''], ARRAY[g, -g], ARRAY[[g, 1], [2, g]],
            ARRAY[g / 7.0, 1e-20]::numeric[],
            timestamptz '2024-02-29 23:59:59.999999+00' - g * interval '1 day',
            timestamp '1999-12-31 23:59:59' + g * interval '1 second', date '0044-03-15' + g,
            time '23:59:59.999999' - g * interval '1 second', ('12:00:00+0' || (g % 10))::timetz,
            md5(g::text)::uuid, (g % 256)::bit(8), (g::bit(12))::varbit,
            ('<row id="' || g || '">' || g || ' &amp; more</row>')::xml,
            g / 3.0, CASE g % 50 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity' ELSE g / 7.0 END,
            g % 2 = 0, 'c' || (g % 10), 'varchar ' || g, point(g, -g), to_tsvector('simple', 'word' || g || ' other'),
            (g % 32000)::smallint, 'Mixed' || g || '@Example.COM'
          FROM generate_series(1, 300) g""");
      st.execute("""
          INSERT INTO every_type (id, n, iv, r4, rtz, nr, mr, ta, ia, na, ts, t, d, f8, b, j)
          VALUES (0, 'NaN', interval '-178000000 years', 'empty', '[-infinity,infinity]', '(,)', '{}', '{}', '{}', '{}',
                  'infinity', '-infinity', 'infinity', '-0', '', 'null'),
                 (-1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""");

      st.execute("CREATE SCHEMA app");
      st.execute("CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy', 'it''s complicated')");
      st.execute("CREATE DOMAIN app.zip AS text CHECK (VALUE ~ '^[0-9]{5}$')");
      st.execute("CREATE DOMAIN app.positive AS integer NOT NULL DEFAULT 1 CONSTRAINT positive_check CHECK (VALUE > 0)");
      st.execute("CREATE TYPE app.address AS (street text, zip app.zip, mood app.mood)");
      st.execute("CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)");
      st.execute("CREATE DOMAIN app.moods AS app.mood[]");
      st.execute("""
          CREATE TABLE app.people (id bigint PRIMARY KEY, mood app.mood, moods app.mood[], home app.address,
            homes app.address[], span app.floatrange, spans app.floatrange[], age app.positive, zip app.zip,
            tagged app.moods, emails citext[], note text)""");
      st.execute("""
          INSERT INTO app.people SELECT g,
            (ARRAY['sad', 'ok', 'happy', 'it''s complicated']::app.mood[])[1 + g % 4],
            CASE WHEN g % 9 = 0 THEN NULL ELSE ARRAY['happy', 'it''s complicated', 'sad']::app.mood[] END,
            ROW(g || E' Main St\\ttab, "quoted"\\nnewline', lpad((g % 99999)::text, 5, '0'), 'ok')::app.address,
            ARRAY[ROW('a ' || g, '12345', 'sad')::app.address, NULL, ROW(NULL, NULL, NULL)::app.address],
            app.floatrange(g, g * 1.5), ARRAY[app.floatrange(0, g), 'empty']::app.floatrange[],
            1 + g % 120, lpad(g::text, 5, '0'), ARRAY['ok', 'sad']::app.moods,
            ARRAY['A' || g || '@x.org', NULL]::citext[],
            CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g || E' \\\\ back\\\\slash ü ✓' END
          FROM generate_series(1, """ + PEOPLE + ") g");
      st.execute("CREATE TABLE app.simple (id integer PRIMARY KEY, mood app.mood NOT NULL, age app.positive, span app.floatrange)");
      st.execute("INSERT INTO app.simple SELECT g, 'happy', g, app.floatrange(0, g) FROM generate_series(1, 100) g");
      st.execute("ANALYZE");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  private static JobSpec spec(String name, String targetUrl, String schema, List<String> include) {
    return new JobSpec(name, new SourceSpec("postgresql", List.of(new TenantSpec("t1", sourceUrl, DBS.user(), DBS.password()))),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), schema, null),
        new TableSelection(include, List.of()), Mode.CREATE, null);
  }

  @Test
  void everyBuiltInTypeTravelsAsBinaryAndArrivesIdentical() throws Exception {
    LocalJob job = new LocalJob(DBS, spec("types-builtin", DBS.create("ty_tgt1"), "copied", List.of("public.every_type")), "b-");
    TablePlan plan = job.plan("public.every_type");
    assertThat(plan.copyFormat()).isEqualTo(CopyFormat.BINARY);
    assertThat(plan.columns()).allSatisfy(c -> assertThat(c.handling()).isNull());
    assertThat(plan.ddl().types()).containsExactly("CREATE SCHEMA IF NOT EXISTS \"public\"",
        "CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"public\"");

    job.runAll(50);

    job.assertTargetEqualsSources();
    job.assertVerifiesClean(); // a verify unit finds the clean copy clean
    try (Connection t = DBS.open(job.spec.target().url())) {
      assertThat(longOf(t, "SELECT count(*) FROM copied.every_type")).isEqualTo(302);
      // Full precision survives: no rounding of a 30-digit integer part with a 40-odd digit fraction.
      assertThat(stringOf(t, "SELECT n::text FROM copied.every_type WHERE id = 7"))
          .isEqualTo("123456789012345678901234567890." + "7".repeat(20));
      assertThat(stringOf(t, "SELECT n::text FROM copied.every_type WHERE id = 0")).isEqualTo("NaN");
      assertThat(longOf(t, "SELECT count(*) FROM copied.every_type WHERE email = 'MIXED7@example.com'")).isEqualTo(1);
    }
  }

  @Test
  void userDefinedTypesAreCreatedFirstAndArraysAndCompositesOfThemTravelAsText() throws Exception {
    String targetUrl = DBS.create("ty_tgt2");
    LocalJob job = new LocalJob(DBS, spec("types-udt", targetUrl, "tgt", List.of("app.*")), "u-");
    assertThat(job.reply.problems()).isEmpty();

    TablePlan people = job.plan("app.people");
    assertThat(people.copyFormat()).isEqualTo(CopyFormat.TEXT);
    Map<String, String> handling = people.columns().stream().filter(c -> c.handling() != null)
        .collect(Collectors.toMap(ColumnPlan::name, ColumnPlan::handling));
    assertThat(handling).containsExactlyInAnyOrderEntriesOf(Map.of(
        "moods", "text: array of user-defined type app.mood",
        "home", "text: composite type app.address",
        "homes", "text: array of user-defined type app.address",
        "spans", "text: array of user-defined type app.floatrange",
        "tagged", "text: domain app.moods over array of user-defined type app.mood",
        "emails", "text: array of user-defined type public.citext"));
    assertThat(people.columns()).filteredOn(c -> c.name().equals("moods")).singleElement()
        .extracting(ColumnPlan::type).isEqualTo("\"tgt\".\"mood\"[]");
    TablePlan simple = job.plan("app.simple");
    assertThat(simple.copyFormat()).as("enums, domains and ranges send no OIDs").isEqualTo(CopyFormat.BINARY);

    // Dependencies first: the enum and the domain before the composite that uses them, each type once.
    List<String> types = job.typeStatements();
    assertThat(types.get(0)).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"tgt\"");
    assertThat(indexOf(types, "\"tgt\".\"mood\" AS ENUM")).isLessThan(indexOf(types, "\"tgt\".\"address\" AS ("));
    assertThat(indexOf(types, "\"tgt\".\"zip\" AS text")).isLessThan(indexOf(types, "\"tgt\".\"address\" AS ("));
    assertThat(indexOf(types, "\"tgt\".\"mood\" AS ENUM")).isLessThan(indexOf(types, "\"tgt\".\"moods\" AS \"tgt\".\"mood\"[]"));
    assertThat(types).filteredOn(s -> s.contains("AS ENUM")).singleElement().asString()
        .contains("('sad', 'ok', 'happy', 'it''s complicated')");
    assertThat(types).anyMatch(s -> s.contains("CREATE DOMAIN \"tgt\".\"positive\" AS integer DEFAULT 1 NOT NULL"
        + " CONSTRAINT \"positive_check\" CHECK ((VALUE > 0))"));
    assertThat(types).anyMatch(s -> s.contains("AS RANGE (SUBTYPE = double precision, SUBTYPE_DIFF = pg_catalog.float8mi,"
        + " MULTIRANGE_TYPE_NAME = \"tgt\".\"floatmultirange\")"));
    assertThat(types).contains("CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"public\"");

    job.prepare();
    // The type prepare is idempotent: a second job (or a retried unit) creating the same types succeeds.
    assertThat(job.runStatements("prepare:*types-again", UnitKind.PREPARE, types).ok()).isTrue();

    // Resumed mid-unit: stopped after its first 300-row chunk, then carried on after the checkpoint's key.
    UnitControl control = new UnitControl();
    UnitOutcome stopped = new UnitExecutor().execute(job.copyAssignment(people, 1, 300), control, (rows, bytes, dr, db) -> control.stop());
    assertThat(stopped.error()).isEqualTo(UnitOutcome.STOPPING);
    Checkpoint cp;
    try (Connection t = DBS.open(targetUrl)) {
      cp = new PostgresTarget().checkpoints().read(t, job.spec.name(), "u-copy:t1:tgt.people").orElseThrow();
      assertThat(longOf(t, "SELECT count(*) FROM tgt.people")).isEqualTo(300);
    }
    assertThat(cp.rows()).isEqualTo(300);
    assertThat(cp.lastKey()).containsExactly("300");
    UnitOutcome resumed = job.run(job.copyAssignment(people, 2, 300));
    assertThat(resumed.ok()).as(resumed.error()).isTrue();
    assertThat(resumed.rows()).isEqualTo(PEOPLE);
    UnitOutcome simpleCopy = job.run(job.copyAssignment(simple, 1, 30));
    assertThat(simpleCopy.ok()).as(simpleCopy.error()).isTrue();
    job.finish();

    job.assertTargetEqualsSources();
    job.assertVerifiesClean(); // a verify unit finds the clean copy clean
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(longOf(t, "SELECT count(*) FROM tgt.people")).isEqualTo(PEOPLE);
      assertThat(stringOf(t, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tgt.people'::regclass"
          + " AND attname = 'home'")).isEqualTo("tgt.address");
      assertThat(stringOf(t, "SELECT (home).street FROM tgt.people WHERE id = 5")).isEqualTo("5 Main St\ttab, \"quoted\"\nnewline");
      assertThat(stringOf(t, "SELECT moods[2]::text FROM tgt.people WHERE id = 1")).isEqualTo("it's complicated");
      // The domain's constraint came along: the target refuses what the source would.
      assertThat(failure(t, "INSERT INTO tgt.simple VALUES (1000, 'ok', -1, NULL)")).contains("positive_check");
      assertThat(longOf(t, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'")).as("nothing in the source's schema").isZero();
    }
  }

  @Test
  void withoutATargetSchemaTypesLandInTheirOwnSchema() throws Exception {
    String targetUrl = DBS.create("ty_tgt3");
    LocalJob job = new LocalJob(DBS, spec("types-own", targetUrl, null, List.of("app.simple")), "o-");
    job.runAll(1000);
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(targetUrl)) {
      assertThat(stringOf(t, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'app.simple'::regclass"
          + " AND attname = 'mood'")).isEqualTo("app.mood");
    }
  }

  private static int indexOf(List<String> statements, String fragment) {
    for (int i = 0; i < statements.size(); i++) {
      if (statements.get(i).contains(fragment)) {
        return i;
      }
    }
    throw new AssertionError("no statement contains " + fragment + ": " + statements);
  }

  private static String failure(Connection c, String sql) {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
      return "no error";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }
}
