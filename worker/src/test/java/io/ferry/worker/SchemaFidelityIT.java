package io.ferry.worker;

import static io.ferry.testsupport.TestPostgres.longOf;
import static io.ferry.testsupport.TestPostgres.stringOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.worker.preflight.Preflight;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What of a table's definition reaches the target besides its rows: collations, CHECK constraints,
 * sequence positions, identity columns written by upsert, and a plan warning for every object Ferry
 * does not carry.
 */
class SchemaFidelityIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static String tenantA;
  private static String tenantB;

  @BeforeAll
  static void sources() throws Exception {
    tenantA = DBS.create("sf_a");
    tenantB = DBS.create("sf_b");
    for (String url : List.of(tenantA, tenantB)) {
      try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
        st.execute("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
        st.execute("CREATE TABLE words (k varchar(40) COLLATE \"C\" PRIMARY KEY, name text COLLATE ci,"
            + " label text COLLATE \"und-x-icu\", qty int CHECK (qty >= 0),"
            + " CONSTRAINT name_not_blank CHECK (name <> ''))");
        st.execute("INSERT INTO words SELECT 'k' || g, 'Name ' || g, 'l' || g, g FROM generate_series(1, 200) g");
        st.execute("CREATE INDEX words_pattern ON words (label text_pattern_ops, k COLLATE \"und-x-icu\" DESC)");
        // Ids issued and given up (rolled back, deleted): the sequences are ahead of the largest value.
        st.execute("CREATE TABLE counters (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n bigserial, v text)");
        st.execute("INSERT INTO counters (v) SELECT 'v' || g FROM generate_series(1, 100) g");
        st.execute("SELECT setval(pg_get_serial_sequence('counters', 'id'), 40017)");
        st.execute("SELECT setval(pg_get_serial_sequence('counters', 'n'), 50000, false)");
        st.execute("CREATE TABLE stamped (k integer PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY, v text)");
        st.execute("INSERT INTO stamped (k, v) SELECT g, 'v' || g FROM generate_series(1, 50) g");
      }
    }
    try (Connection c = DBS.open(tenantB); Statement st = c.createStatement()) {
      // Tenant b's ids run past tenant a's sequence position: consolidation must move past both.
      st.execute("INSERT INTO counters (id, v) OVERRIDING SYSTEM VALUE VALUES (90000, 'far')");
    }
    try (Connection c = DBS.open(tenantA); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION IF NOT EXISTS btree_gist");
      st.execute("CREATE TABLE rooms (id int PRIMARY KEY, room int, during int4range,"
          + " EXCLUDE USING gist (room WITH =, during WITH &&))");
      st.execute("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$");
      st.execute("CREATE TRIGGER rooms_touch BEFORE INSERT ON rooms FOR EACH ROW EXECUTE FUNCTION touch()");
      st.execute("ALTER TABLE rooms ENABLE ROW LEVEL SECURITY");
      st.execute("CREATE POLICY rooms_mine ON rooms USING (room > 0)");
      st.execute("CREATE RULE rooms_no_delete AS ON DELETE TO rooms DO INSTEAD NOTHING");
      st.execute("COMMENT ON TABLE rooms IS 'meeting rooms'");
      st.execute("COMMENT ON COLUMN rooms.room IS 'room number'");
      st.execute("CREATE ROLE ferry_sf_reader_" + Math.abs(tenantA.hashCode()));
      st.execute("GRANT SELECT ON rooms TO ferry_sf_reader_" + Math.abs(tenantA.hashCode()));
      st.execute("CREATE PUBLICATION rooms_pub FOR TABLE rooms");
      st.execute("INSERT INTO rooms VALUES (1, 1, '[1,5)'), (2, 1, '[5,9)')");
      st.execute("CREATE VIEW busy_rooms AS SELECT room FROM rooms");
      st.execute("ALTER TABLE stamped ALTER COLUMN seq SET INCREMENT BY 2");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
    try (Connection c = DBS.open(DBS.url("postgres")); Statement st = c.createStatement()) {
      st.execute("DROP ROLE IF EXISTS ferry_sf_reader_" + Math.abs(tenantA.hashCode()));
    }
  }

  private static JobSpec spec(String name, String targetUrl, Mode mode, String schema, String tenantColumn,
      List<String> tenants, String... include) {
    List<TenantSpec> specs = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      specs.add(new TenantSpec(i == 0 ? "a" : "b", tenants.get(i), DBS.user(), DBS.password()));
    }
    return new JobSpec(name, new SourceSpec("postgresql", specs),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), schema, tenantColumn),
        new TableSelection(List.of(include), List.of()), mode, null);
  }

  @Test
  void columnCollationsAreCarriedAndACollationTheTargetLacksIsCreated() throws Exception {
    String target = DBS.create("sf_coll");
    LocalJob job = new LocalJob(DBS, spec("collations", target, Mode.CREATE, null, null, List.of(tenantA), "public.words"), "c-");
    job.runAll(70);
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(target)) {
      assertThat(stringOf(t, "SELECT string_agg(a.attname || '=' || co.collname, ',' ORDER BY a.attnum) FROM pg_attribute a"
          + " JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = 'public.words'::regclass"
          + " AND a.attnum > 0 AND a.attcollation <> 100")).isEqualTo("k=C,name=ci,label=und-x-icu");
      assertThat(longOf(t, "SELECT count(*) FROM words WHERE name = 'NAME 7'")).as("case-insensitive as on the source")
          .isEqualTo(1);
      assertThat(stringOf(t, "SELECT pg_get_indexdef('public.words_pattern'::regclass)"))
          .endsWith("USING btree (label text_pattern_ops, k COLLATE \"und-x-icu\" DESC)");
    }
  }

  @Test
  void consolidationCreatesCollationsInTheTargetSchema() throws Exception {
    String target = DBS.create("sf_coll_app");
    LocalJob job = new LocalJob(DBS, spec("collations-app", target, Mode.CREATE, "app", "tenant_id", List.of(tenantA, tenantB),
        "public.words"), "ca-");
    job.runAll(1_000);
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(target)) {
      assertThat(stringOf(t, "SELECT n.nspname || '.' || co.collname || ' ' || co.collisdeterministic FROM pg_attribute a"
          + " JOIN pg_collation co ON co.oid = a.attcollation JOIN pg_namespace n ON n.oid = co.collnamespace"
          + " WHERE a.attrelid = 'app.words'::regclass AND a.attname = 'name'")).isEqualTo("app.ci false");
    }
  }

  @Test
  void aCollationTheTargetLacksAndFerryCannotCreateIsRefusedInPreflight() throws Exception {
    String target = DBS.create("sf_coll_missing");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("DROP COLLATION pg_catalog.\"und-x-icu\"");
    }
    PreflightReply reply = new Preflight().run(spec("collations-missing", target, Mode.CREATE, null, null, List.of(tenantA),
        "public.words"));
    assertThat(reply.problems()).singleElement().asString()
        .contains("\"pg_catalog\".\"und-x-icu\"").contains("public.words.label").contains("does not exist on the target");

    // A table that exists already is written as it is: its collations are a warning, not a refusal.
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE TABLE words (k varchar(40) PRIMARY KEY, name text, label text, qty int)");
    }
    PreflightReply append = new Preflight().run(spec("collations-existing", target, Mode.APPEND, null, null, List.of(tenantA),
        "public.words"));
    assertThat(append.problems()).isEmpty();
    assertThat(append.plans().get(0).warnings()).anyMatch(w -> w.startsWith(
        "target column public.words.label has collation its type's default, the source column \"pg_catalog\".\"und-x-icu\""));
  }

  @Test
  void checkConstraintsAreRecreatedAndEveryObjectNotCarriedIsAWarning() throws Exception {
    String target = DBS.create("sf_checks");
    LocalJob job = new LocalJob(DBS, spec("checks", target, Mode.CREATE, "app", "tenant_id", List.of(tenantA),
        "public.words", "public.rooms"), "k-");
    job.runAll(1_000);
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      assertThatThrownBy(() -> st.execute("INSERT INTO app.words (tenant_id, k, name, qty) VALUES ('a', 'x', 'n', -1)"))
          .hasMessageContaining("words_qty_check");
      assertThatThrownBy(() -> st.execute("INSERT INTO app.words (tenant_id, k, name, qty) VALUES ('a', 'y', '', 1)"))
          .hasMessageContaining("name_not_blank");
    }
    assertThat(String.join("\n", job.plan("public.rooms").warnings()))
        .contains("exclusion constraint rooms_room_during_excl")
        .contains("trigger rooms_touch")
        .contains("row-level security")
        .contains("policy rooms_mine")
        .contains("rule rooms_no_delete")
        .contains("comment on table")
        .contains("comment on column room")
        .contains("grants")
        .contains("publication rooms_pub")
        .contains("view public.busy_rooms (reads it) of public.rooms is not carried");
    assertThat(job.plan("public.words").warnings()).noneMatch(w -> w.contains("check"));
  }

  @Test
  void sequencesStartAtTheSourcePositionOrPastTheLargestCopiedValue() throws Exception {
    String target = DBS.create("sf_seq");
    LocalJob job = new LocalJob(DBS, spec("sequences", target, Mode.CREATE, null, null, List.of(tenantA), "public.counters"), "s-");
    job.runAll(1_000);
    try (Connection t = DBS.open(target)) {
      assertThat(longOf(t, "INSERT INTO counters (v) VALUES ('next') RETURNING id")).as("identity").isEqualTo(40018);
      assertThat(longOf(t, "SELECT n FROM counters WHERE v = 'next'")).as("serial").isEqualTo(50000);
    }

    String consolidated = DBS.create("sf_seq_app");
    LocalJob both = new LocalJob(DBS, spec("sequences-app", consolidated, Mode.CREATE, "app", "tenant_id",
        List.of(tenantA, tenantB), "public.counters"), "sa-");
    both.runAll(1_000);
    try (Connection t = DBS.open(consolidated)) {
      assertThat(longOf(t, "INSERT INTO app.counters (tenant_id, v) VALUES ('c', 'next') RETURNING id"))
          .as("past tenant b's largest id").isEqualTo(90001);
      assertThat(longOf(t, "SELECT n FROM app.counters WHERE v = 'next'")).as("past tenant b's row that took serial 50000")
          .isEqualTo(50001);
    }
  }

  @Test
  void upsertWritesGeneratedAlwaysIdentityColumnsAlsoAfterAConsolidation() throws Exception {
    String target = DBS.create("sf_upsert");
    LocalJob first = new LocalJob(DBS, spec("upsert-1", target, Mode.CREATE, "app", "tenant_id", List.of(tenantA, tenantB),
        "public.counters", "public.stamped"), "u1-");
    assertThat(first.plan("public.stamped").warnings()).as("tenant a's identity counts in steps of 2")
        .anyMatch(w -> w.contains("stamped_seq_seq") && w.contains("not carried"));
    first.runAll(1_000);
    first.assertTargetEqualsSources();
    try (Connection c = DBS.open(tenantA); Statement st = c.createStatement()) {
      st.execute("UPDATE counters SET v = 'changed' WHERE id = 7");
    }
    try {
      LocalJob again = new LocalJob(DBS, spec("upsert-2", target, Mode.UPSERT, "app", "tenant_id", List.of(tenantA, tenantB),
          "public.counters", "public.stamped"), "u2-");
      again.runAll(1_000);
      again.assertTargetEqualsSources();
      try (Connection t = DBS.open(target)) {
        assertThat(stringOf(t, "SELECT v FROM app.counters WHERE tenant_id = 'a' AND id = 7")).isEqualTo("changed");
      }
    } finally {
      try (Connection c = DBS.open(tenantA); Statement st = c.createStatement()) {
        st.execute("UPDATE counters SET v = 'v7' WHERE id = 7");
      }
    }
  }

  @Test
  void anInheritanceParentIsCopiedWithoutItsChildrensRows() throws Exception {
    String source = DBS.create("sf_inh");
    try (Connection c = DBS.open(source); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE events (id int PRIMARY KEY, v text)");
      st.execute("CREATE TABLE events_archive (note text) INHERITS (events)");
      st.execute("INSERT INTO events SELECT g, 'v' || g FROM generate_series(1, 10) g");
      st.execute("INSERT INTO events_archive SELECT g, 'v' || g, 'old' FROM generate_series(100, 104) g");
    }
    String target = DBS.create("sf_inh_t");
    LocalJob job = new LocalJob(DBS, spec("inheritance", target, Mode.CREATE, null, null, List.of(source), "public.events*"), "i-");
    job.runAll(1_000);
    try (Connection t = DBS.open(target)) {
      // A child's rows are read through its parent too unless the read says ONLY: they would land twice.
      assertThat(longOf(t, "SELECT count(*) FROM events")).as("the parent's own rows").isEqualTo(10);
      assertThat(longOf(t, "SELECT count(*) FROM events_archive")).as("the child's rows").isEqualTo(5);
    }
  }
}
