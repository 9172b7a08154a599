package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.dialect.FerryUuid;
import io.ferry.worker.dialect.KeyCanon;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two districts whose keys collide (the same ids in both) consolidated with {@code target.keys: uuid}
 * through the worker's units: every row's key and every foreign key's UUID is the documented function
 * ({@link FerryUuid}) of tenant, table and source key, distinct per tenant, the foreign keys hold on the
 * target, and {@code ferry.id_map} maps each UUID back to its tenant, table and source key.
 */
class SqlServerUuidKeysIT {

  private static final String JOB = "job-uuid-keys";
  private static final List<String> TABLES = List.of("schools", "courses", "students", "enrollments", "rates");
  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static final Map<String, String> DISTRICTS = new LinkedHashMap<>();
  /** Tenants of single tests, by id. */
  private static final Map<String, String> OTHERS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final Map<String, List<KeyRange>> RANGES = new java.util.concurrent.ConcurrentHashMap<>();
  private static final ConnectionPools POOLS = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(POOLS);

  @BeforeAll
  static void districts() throws Exception {
    for (String d : List.of("d1", "d2")) {
      String url = MSSQL.create("uuid_" + d);
      DISTRICTS.put(d, url);
      List<String> sql = new ArrayList<>(List.of(
          "CREATE TABLE dbo.schools (id int PRIMARY KEY, name nvarchar(40) NOT NULL)",
          "CREATE TABLE dbo.courses (code varchar(10) NOT NULL, term int NOT NULL, title nvarchar(40),"
              + " PRIMARY KEY (code, term))",
          "CREATE TABLE dbo.students (id bigint PRIMARY KEY, school_id int NULL REFERENCES dbo.schools (id),"
              + " mentor_id bigint NULL REFERENCES dbo.students (id), name nvarchar(40))",
          // The foreign key lists the course's key columns in another order than its primary key does.
          "CREATE TABLE dbo.enrollments (id uniqueidentifier PRIMARY KEY, student_id bigint NOT NULL"
              + " REFERENCES dbo.students (id), course_term int NULL, course_code varchar(10) NULL,"
              + " CONSTRAINT fk_course FOREIGN KEY (course_term, course_code) REFERENCES dbo.courses (term, code))",
          "CREATE TABLE dbo.rates (day date NOT NULL, amount decimal(9,2) NOT NULL, active bit NOT NULL,"
              + " PRIMARY KEY (day, amount))"));
      for (int s = 1; s <= 4; s++) {
        sql.add("INSERT INTO dbo.schools VALUES (" + s + ", N'" + d + " school " + s + "')");
      }
      for (int c = 1; c <= 6; c++) {
        sql.add("INSERT INTO dbo.courses VALUES ('" + (c % 2 == 0 ? "MATH" : "Art") + c + "', " + (2020 + c % 3) + ", N'c')");
      }
      for (int s = 1; s <= 30; s++) {
        sql.add("INSERT INTO dbo.students VALUES (" + s + ", " + (s % 7 == 0 ? "NULL" : String.valueOf(s % 4 + 1)) + ", "
            + (s > 1 && s % 3 == 0 ? String.valueOf(s - 1) : "NULL") + ", N'Zoë " + s + "')");
      }
      for (int e = 1; e <= 40; e++) {
        int c = e % 6 + 1;
        String course = e % 5 == 0 ? "NULL, NULL" : (2020 + c % 3) + ", '" + (c % 2 == 0 ? "MATH" : "Art") + c + "'";
        sql.add("INSERT INTO dbo.enrollments VALUES ('" + UUID.nameUUIDFromBytes(("e" + e).getBytes()).toString().toUpperCase()
            + "', " + (e % 30 + 1) + ", " + course + ")");
      }
      for (int r = 1; r <= 10; r++) {
        sql.add("INSERT INTO dbo.rates VALUES ('2024-01-" + (10 + r) + "', " + r + ".5, " + (r % 2) + ")");
      }
      MSSQL.execute(url, sql.toArray(String[]::new));
    }
  }

  @AfterAll
  static void drop() throws Exception {
    POOLS.close();
    MSSQL.close();
    PG.close();
  }

  @Test
  void consolidatesCollidingKeysIntoUuidsTheForeignKeysAndTheIdMapAgreeOn() throws Exception {
    String target = PG.create("uuid_keys_tgt");
    List<TablePlan> plans = preflight(target, Mode.CREATE, "dbo.*");
    run(plans, target, Mode.CREATE, "c");

    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM app.students")).isEqualTo(60);
      for (String table : TABLES) {
        // Equal source keys in both districts, distinct UUIDs.
        assertThat(count(st, "SELECT count(DISTINCT uuid) FROM app." + table)).as(table)
            .isEqualTo(count(st, "SELECT count(*) FROM app." + table)).isGreaterThan(0);
      }
      assertKeys(st, "schools", "id::text");
      // The server's default collation is case-insensitive: a course's code feeds its UUID case-folded.
      assertKeys(st, "courses", "code, term::text", KeyText.CI_AS, KeyText.EXACT);
      assertKeys(st, "students", "id::text");
      assertKeys(st, "enrollments", "id::text");
      assertKeys(st, "rates", "day::text, amount::text");
      assertReferences(st, "students", "school_id_uuid", "dbo.schools", "school_id::text");
      assertReferences(st, "students", "mentor_id_uuid", "dbo.students", "mentor_id::text");
      assertReferences(st, "enrollments", "student_id_uuid", "dbo.students", "student_id::text");
      assertReferences(st, "enrollments", "course_term_course_code_uuid", "dbo.courses", "course_code, course_term::text",
          KeyText.CI_AS, KeyText.EXACT);
      assertThat(count(st, "SELECT count(*) FROM app.students WHERE school_id IS NULL AND school_id_uuid IS NULL"))
          .isEqualTo(8);

      // The foreign keys were added at the end, over the UUIDs, and hold.
      assertThat(count(st, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
          + " AND conrelid IN ('app.students'::regclass, 'app.enrollments'::regclass)")).isEqualTo(4);
      assertThat(count(st, "SELECT count(*) FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.confrelid"
          + " AND a.attnum = ANY (c.confkey) WHERE c.contype = 'f' AND a.attname <> 'uuid'")).isZero();
      // The source key stays, unique per district.
      assertThat(count(st, "SELECT count(*) FROM pg_constraint WHERE conname = 'students_source_key'")).isEqualTo(1);

      // ferry.id_map answers both ways; pgcrypto lets ferry.uuid_v5 recompute every UUID in SQL.
      assertThat(count(st, "SELECT count(*) FROM ferry.id_map"))
          .isEqualTo(count(st, "SELECT (SELECT count(*) FROM app.schools) + (SELECT count(*) FROM app.courses)"
              + " + (SELECT count(*) FROM app.students) + (SELECT count(*) FROM app.enrollments)"
              + " + (SELECT count(*) FROM app.rates)"));
      UUID d2Student7 = FerryUuid.of("d2", "dbo.students", List.of("7"));
      try (ResultSet rs = st.executeQuery("SELECT tenant, table_name, source_key::text, target_table FROM ferry.id_map"
          + " WHERE id = '" + d2Student7 + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
            .containsExactly("d2", "dbo.students", "{7}", "app.students");
      }
      st.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
      // Keys without case-insensitive text recompute from ferry.id_map as they are; a course's code through
      // ferry.uuid_key_text with its collation's rule.
      assertThat(count(st, "SELECT count(*) FROM ferry.id_map WHERE ferry.uuid_v5(tenant, table_name, source_key) = id"))
          .isEqualTo(count(st, "SELECT count(*) FROM ferry.id_map WHERE table_name <> 'dbo.courses'"));
      assertThat(count(st, "SELECT count(*) FROM ferry.id_map WHERE table_name = 'dbo.courses' AND ferry.uuid_v5(tenant,"
          + " table_name, ARRAY[ferry.uuid_key_text(source_key[1], 'ci_as'), source_key[2]]) = id"))
          .isEqualTo(count(st, "SELECT count(*) FROM app.courses"));
      assertThat(count(st, "SELECT count(*) FROM app.enrollments WHERE course_term_course_code_uuid = ferry.uuid_v5(district,"
          + " 'dbo.courses', ARRAY[ferry.uuid_key_text(course_code, 'ci_as'), course_term::text])"))
          .isEqualTo(count(st, "SELECT count(*) FROM app.enrollments WHERE course_code IS NOT NULL"));
    }
  }

  @Test
  void upsertMergesOnTheSourceKeyAndAgainGivesTheSameUuids() throws Exception {
    String target = PG.create("uuid_keys_up");
    List<TablePlan> plans = preflight(target, Mode.UPSERT, "dbo.*");
    run(plans, target, Mode.UPSERT, "u1");
    String before;
    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      before = TestPostgres.stringOf(t, "SELECT string_agg(uuid::text || school_id_uuid::text, ',' ORDER BY uuid)"
          + " FROM app.students");
    }
    for (TablePlan p : plans) {
      copy(p, target, Mode.UPSERT, "u2-" + p.tenantId());
    }
    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM app.students")).isEqualTo(60);
      assertThat(TestPostgres.stringOf(t, "SELECT string_agg(uuid::text || school_id_uuid::text, ',' ORDER BY uuid)"
          + " FROM app.students")).isEqualTo(before);
    }
  }

  /**
   * {@code target.columnTypes} on a table makes its copy text COPY: its rows carry the same UUIDs as the binary
   * copy gives, computed from the source values, also where the override is on a key or a foreign key column
   * (the UUID follows the column's mapped type, not the override), and the foreign keys hold over them.
   */
  @Test
  void typeOverridesKeepEveryUuidTheBinaryCopyGives() throws Exception {
    String target = PG.create("uuid_keys_ov");
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("dbo.students.name", "text");
    overrides.put("dbo.students.school_id", "bigint");
    overrides.put("dbo.rates.amount", "numeric(12,4)");
    // A type whose text is no canonical one: the UUID is still the mapped type's (integer) text.
    overrides.put("dbo.schools.id", "double precision");
    JobSpec plain = spec(target, Mode.CREATE, "dbo.*");
    TargetSpec t0 = plain.target();
    JobSpec spec = new JobSpec(JOB, plain.source(), new TargetSpec(t0.engine(), t0.url(), t0.user(), t0.password(),
        t0.schema(), t0.tenantColumn(), t0.keys(), null, null, overrides, null), plain.tables(), Mode.CREATE, null);
    List<TablePlan> plans = preflight(spec);
    assertThat(plans).filteredOn(p -> p.targetTable().equals("app.students") || p.targetTable().equals("app.rates"))
        .hasSize(4).allSatisfy(p -> assertThat(p.copyFormatOrBinary()).isEqualTo(io.ferry.protocol.plan.CopyFormat.TEXT));
    run(plans, target, Mode.CREATE, "ov");

    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      assertThat(TestPostgres.stringOf(t, "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', '"
          + " ORDER BY attname) FROM pg_attribute WHERE attrelid = 'app.rates'::regclass AND attnum > 0"))
          .isEqualTo("active boolean, amount numeric(12,4), day date, district text, uuid uuid");
      assertThat(count(st, "SELECT count(*) FROM app.students WHERE uuid IS NOT NULL")).isEqualTo(60);
      assertKeys(st, "students", "id::text");
      assertKeys(st, "schools", "id::integer::text");
      assertKeys(st, "rates", "day::text, amount::numeric(9,2)::text");
      assertReferences(st, "students", "school_id_uuid", "dbo.schools", "school_id::text");
      assertReferences(st, "students", "mentor_id_uuid", "dbo.students", "mentor_id::text");
      assertReferences(st, "enrollments", "student_id_uuid", "dbo.students", "student_id::text");
      assertThat(count(st, "SELECT count(*) FROM app.students s JOIN app.schools c ON c.uuid = s.school_id_uuid"))
          .isEqualTo(52);
      assertThat(count(st, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
          + " AND conrelid IN ('app.students'::regclass, 'app.enrollments'::regclass)")).isEqualTo(4);
      assertThat(TestPostgres.stringOf(t, "SELECT string_agg(name, ',' ORDER BY district, id) FROM app.students"
          + " WHERE id = 30")).isEqualTo("Zoë 30,Zoë 30");
    }
  }

  /**
   * SQL Server matches a foreign key to its parent's key by the key's collation and without trailing spaces:
   * {@code 'ABC '} references {@code 'abc'} under a case-insensitive one, {@code 'MALMO'} references
   * {@code 'Malmö'} under an accent-insensitive one. Their UUIDs agree, so the foreign keys hold on the target;
   * a row the target rejects is recorded with its UUIDs and loads back from {@code ferry.rejects} as it was.
   */
  @Test
  void foreignKeysThatMatchTheirParentOnlyByTheCollationGetTheParentsUuid() throws Exception {
    String url = MSSQL.create("uuid_ci");
    OTHERS.put("d3", url);
    MSSQL.execute(url,
        "CREATE TABLE dbo.codes (code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL PRIMARY KEY,"
            + " name nvarchar(20))",
        "CREATE TABLE dbo.towns (name nvarchar(20) COLLATE Latin1_General_CI_AI NOT NULL PRIMARY KEY)",
        "CREATE TABLE dbo.uses (id int PRIMARY KEY,"
            + " code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NULL REFERENCES dbo.codes (code),"
            + " town nvarchar(20) COLLATE Latin1_General_CI_AI NULL, note nvarchar(20))",
        "INSERT INTO dbo.codes VALUES ('abc', N'a'), ('XY', N'x'), ('Déjà', N'd')",
        "INSERT INTO dbo.towns VALUES (N'Malmö'), (N'Zürich ')",
        "INSERT INTO dbo.uses VALUES (1, 'ABC ', N'MALMO', N'ok'), (2, 'abc', N'malmö ', N'ok'),"
            + " (3, 'Abc  ', N'zurich', N'ok'), (4, 'xy', N'ZÜRICH', N'bad'), (5, 'XY ', NULL, N'ok'),"
            + " (6, 'DÉJÀ ', N'Malmo', N'ok'), (7, NULL, NULL, N'ok')",
        // Babelfish cannot check an accent-insensitive foreign key as a row is inserted, only when it is added.
        "ALTER TABLE dbo.uses ADD CONSTRAINT fk_town FOREIGN KEY (town) REFERENCES dbo.towns (name)");
    String target = PG.create("uuid_keys_ci");
    List<TablePlan> plans = preflight(spec(target, Mode.CREATE, "dbo.*", Map.of("d3", url)));
    prepare(plans, target, "ci");
    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      st.execute("ALTER TABLE app.uses ADD CONSTRAINT no_bad CHECK (note <> 'bad')");
    }
    for (TablePlan p : plans) {
      ok(new Assignment(Units.unit("ci-copy-" + p.targetTable(), JOB, UnitKind.COPY, p, KeyRange.ALL, 1), p, source(p),
          PG.connection(target), "district", List.of(), 2, 64L * 1024 * 1024, Mode.CREATE, List.of(),
          RowErrorPolicy.REJECT));
    }

    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      UUID code = FerryUuid.of("d3", "dbo.codes", List.of("xy"));
      UUID town = FerryUuid.of("d3", "dbo.towns", List.of("zurich"));
      try (ResultSet rs = st.executeQuery("SELECT row_key, columns, payload FROM ferry.rejects WHERE job_id = '" + JOB
          + "' AND table_name = 'app.uses'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("[\"4\"]");
        List<String> columns = List.of(io.ferry.protocol.Json.decode(rs.getString(2), String[].class));
        assertThat(columns.subList(0, 6)).containsExactly("district", "id", "code", "town", "note", "uuid");
        assertThat(columns.subList(6, 8)).containsExactlyInAnyOrder("code_uuid", "town_uuid");
        Map<String, String> fields = new LinkedHashMap<>();
        String[] payload = rs.getString(3).split("\t", -1);
        for (int f = 0; f < columns.size(); f++) {
          fields.put(columns.get(f), payload[f]);
        }
        assertThat(fields).containsExactlyInAnyOrderEntriesOf(Map.of("district", "d3", "id", "4", "code", "xy",
            "town", "ZÜRICH", "note", "bad", "uuid", FerryUuid.of("d3", "dbo.uses", List.of("4")).toString(),
            "code_uuid", code.toString(), "town_uuid", town.toString()));
        assertThat(rs.next()).isFalse();
        st.execute("ALTER TABLE app.uses DROP CONSTRAINT no_bad");
        long loaded = t.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY app.uses ("
            + String.join(", ", columns) + ") FROM STDIN", new java.io.StringReader(TestPostgres.stringOf(t,
            "SELECT payload FROM ferry.rejects WHERE table_name = 'app.uses'") + "\n"));
        assertThat(loaded).isEqualTo(1);
      }
    }
    finish(plans, target, "ci");

    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      // Rows exact: every value as the source holds it, trailing spaces and case included.
      List<String> source = new ArrayList<>();
      try (Connection s = MSSQL.open(url); Statement ss = s.createStatement();
           ResultSet rs = ss.executeQuery("SELECT id, code, town, note FROM dbo.uses ORDER BY id")) {
        while (rs.next()) {
          source.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
        }
      }
      assertThat(TestPostgres.stringOf(t, "SELECT string_agg(id || '|' || coalesce(code, 'null') || '|'"
          + " || coalesce(town, 'null') || '|' || note, ',' ORDER BY id) FROM app.uses"))
          .isEqualTo(String.join(",", source));
      // The foreign keys were restored over the UUIDs, and every reference finds its parent.
      assertThat(count(st, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
          + " AND conrelid = 'app.uses'::regclass")).isEqualTo(2);
      assertThat(count(st, "SELECT count(*) FROM app.uses u JOIN app.codes c ON c.uuid = u.code_uuid")).isEqualTo(6);
      assertThat(count(st, "SELECT count(*) FROM app.uses u JOIN app.towns w ON w.uuid = u.town_uuid")).isEqualTo(5);
      assertKeys(st, "codes", "code", KeyText.CI_AS);
      assertKeys(st, "towns", "name", KeyText.CI_AI);
      assertReferences(st, "uses", "code_uuid", "dbo.codes", "code", KeyText.CI_AS);
      assertReferences(st, "uses", "town_uuid", "dbo.towns", "town", KeyText.CI_AI);
      // Case-sensitive keys without trailing spaces keep the UUIDs they always had.
      assertThat(FerryUuid.of("d3", "dbo.codes", List.of("abc"), List.of(KeyText.CI_AS)))
          .isEqualTo(FerryUuid.of("d3", "dbo.codes", List.of("abc")));

      // The target recomputes them in SQL, with the same canonical text as the copy.
      st.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
      assertThat(count(st, "SELECT count(*) FROM app.uses WHERE code_uuid"
          + " = ferry.uuid_v5(district, 'dbo.codes', ARRAY[ferry.uuid_key_text(code, 'ci_as')])")).isEqualTo(6);
      assertThat(count(st, "SELECT count(*) FROM app.uses WHERE town_uuid"
          + " = ferry.uuid_v5(district, 'dbo.towns', ARRAY[ferry.uuid_key_text(town, 'ci_ai')])")).isEqualTo(5);
      StringBuilder every = new StringBuilder("  A\u0301e\u0308 ");
      for (int c = 0x21; c < 0x600; c++) {
        every.append((char) c);
      }
      every.append("\uD801\uDC00 \t  ");
      try (PreparedStatement ps = t.prepareStatement("SELECT ferry.uuid_key_text(?, ?)")) {
        for (KeyText rule : KeyText.values()) {
          ps.setString(1, every.toString());
          ps.setString(2, rule.wireName());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString(1)).as(rule.wireName()).isEqualTo(KeyCanon.canonical(every.toString(), rule));
          }
        }
      }
    }
  }

  @Test
  void aKeyWithoutCanonicalTextOrAnExistingTableWithoutUuidsIsAPreflightProblem() throws Exception {
    String url = MSSQL.create("uuid_ev");
    MSSQL.execute(url, "CREATE TABLE dbo.events (at datetime2 PRIMARY KEY, what nvarchar(20))",
        "CREATE TABLE dbo.tags (id int PRIMARY KEY, name nvarchar(20))");
    String target = PG.create("uuid_keys_ev");
    try (Connection t = PG.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE SCHEMA app");
      st.execute("CREATE TABLE app.tags (district text NOT NULL, id integer NOT NULL, name character varying(20))");
    }
    Endpoint e = MSSQL.connection(url);
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", List.of(new TenantSpec("d1", e.url(), e.user(), e.password()))),
        new TargetSpec("postgresql", target, PG.user(), PG.password(), "app", "district", "uuid", null, null, null, null),
        new TableSelection(List.of("dbo.*"), List.of()), Mode.TRUNCATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).anySatisfy(p -> assertThat(p).contains("tenant d1", "dbo.events", "column at",
        "cannot feed the UUID column uuid"));
    assertThat(reply.problems()).anySatisfy(p -> assertThat(p).isEqualTo("tenant d1: target table app.tags exists"
        + " without the column uuid that target.keys: uuid writes: add it (uuid) or let the job create the table"
        + " (drop_recreate)"));
  }

  private static void assertKeys(Statement st, String table, String keyText, KeyText... rules) throws SQLException {
    int rows = 0;
    try (ResultSet rs = st.executeQuery("SELECT district, uuid, " + keyText + " FROM app." + table)) {
      int keys = rs.getMetaData().getColumnCount() - 2;
      while (rs.next()) {
        List<String> key = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
          key.add(rs.getString(3 + k));
        }
        assertThat(rs.getObject(2, UUID.class)).as(table + " " + key)
            .isEqualTo(FerryUuid.of(rs.getString(1), "dbo." + table, key, rules(rules, keys)));
        rows++;
      }
    }
    assertThat(rows).as(table).isPositive();
  }

  /** Every non-NULL UUID of a foreign key is the function of its values, and the row it names is its parent. */
  private static void assertReferences(Statement st, String table, String column, String parent, String keyText,
      KeyText... rules) throws SQLException {
    int rows = 0;
    try (ResultSet rs = st.executeQuery("SELECT district, " + column + ", " + keyText + " FROM app." + table)) {
      int keys = rs.getMetaData().getColumnCount() - 2;
      while (rs.next()) {
        List<String> key = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
          key.add(rs.getString(3 + k));
        }
        UUID expected = key.contains(null) ? null : FerryUuid.of(rs.getString(1), parent, key, rules(rules, keys));
        assertThat(rs.getObject(2, UUID.class)).as(table + "." + column + " " + key).isEqualTo(expected);
        rows += expected == null ? 0 : 1;
      }
    }
    assertThat(rows).as(table + "." + column).isPositive();
  }

  /** The rules given, else every value as it is. */
  private static List<KeyText> rules(KeyText[] rules, int keys) {
    return rules.length == 0 ? java.util.Collections.nCopies(keys, KeyText.EXACT) : List.of(rules);
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static JobSpec spec(String target, Mode mode, String include) {
    return spec(target, mode, include, DISTRICTS);
  }

  private static JobSpec spec(String target, Mode mode, String include, Map<String, String> districts) {
    List<TenantSpec> tenants = new ArrayList<>();
    districts.forEach((id, url) -> {
      Endpoint e = MSSQL.connection(url);
      tenants.add(new TenantSpec(id, e.url(), e.user(), e.password()));
    });
    return new JobSpec(JOB, new SourceSpec("sqlserver", tenants),
        new TargetSpec("postgresql", target, PG.user(), PG.password(), "app", "district", "uuid", null, null, null, null),
        new TableSelection(List.of(include), List.of()), mode, null);
  }

  private static List<TablePlan> preflight(String target, Mode mode, String include) {
    return preflight(spec(target, mode, include));
  }

  private static List<TablePlan> preflight(JobSpec spec) {
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    return reply.plans();
  }

  /** Prepare, copies (children before parents: nothing looks a parent up), finish, then the foreign keys. */
  private void run(List<TablePlan> plans, String target, Mode mode, String prefix) throws SQLException {
    prepare(plans, target, prefix);
    for (TablePlan p : plans.reversed()) {
      copy(p, target, mode, prefix);
    }
    finish(plans, target, prefix);
  }

  private void prepare(List<TablePlan> plans, String target, String prefix) {
    ok(Units.types(prefix + "-prepare-types", JOB, plans, source(plans.get(0)), PG.connection(target)));
    for (TablePlan p : byTarget(plans).values()) {
      ok(Units.statements(prefix + "-prepare-" + p.targetTable(), JOB, UnitKind.PREPARE, p, p.ddl().prepare(), source(p),
          PG.connection(target)));
    }
  }

  private static Map<String, TablePlan> byTarget(List<TablePlan> plans) {
    Map<String, TablePlan> byTarget = new LinkedHashMap<>();
    plans.forEach(p -> byTarget.putIfAbsent(p.targetTable(), p));
    return byTarget;
  }

  /** Each table's finish, then the foreign keys. */
  private void finish(List<TablePlan> plans, String target, String prefix) {
    Map<String, TablePlan> byTarget = byTarget(plans);
    List<String> foreignKeys = new ArrayList<>();
    for (TablePlan p : byTarget.values()) {
      ok(Units.statements(prefix + "-finish-" + p.targetTable(), JOB, UnitKind.FINISH, p, p.ddl().finish(), source(p),
          PG.connection(target)));
      foreignKeys.addAll(p.ddl().foreignKeys());
    }
    ok(Units.statements(prefix + "-finish-fks", JOB, UnitKind.FINISH, plans.get(0), foreignKeys, source(plans.get(0)),
        PG.connection(target)));
  }

  /** A table's rows in three ranges at the source's own points, chunks of 3 rows (resumed after UUID fields). */
  private void copy(TablePlan p, String target, Mode mode, String prefix) throws SQLException {
    int n = 0;
    for (KeyRange range : ranges(p)) {
      ok(Units.copy(prefix + "-copy-" + p.tenantId() + "-" + p.targetTable() + "-" + n++, JOB, p, range, 1, source(p),
          PG.connection(target), "district", 3, mode));
    }
  }

  /** Cut once per tenant's table: Babelfish's catalog is slow to read. */
  private List<KeyRange> ranges(TablePlan p) throws SQLException {
    String id = p.tenantId() + "/" + p.sourceTable();
    List<KeyRange> known = RANGES.get(id);
    if (known != null) {
      return known;
    }
    if (p.split().method() == SplitMethod.SINGLE_UNIT) {
      return List.of(KeyRange.ALL);
    }
    SqlServerSource dialect = new SqlServerSource();
    try (Connection c = dialect.connect(source(p))) {
      SourceTable table = dialect.describe(c, TableName.parse(p.sourceTable()), new ArrayList<>());
      List<KeyRange> ranges = Units.ranges(dialect.sampleKey(c, table, SplitKey.of(p), 9, 2).quantiles(), 3);
      RANGES.put(id, ranges);
      return ranges;
    }
  }

  private void ok(Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  private static Endpoint source(TablePlan p) {
    return MSSQL.connection(DISTRICTS.containsKey(p.tenantId()) ? DISTRICTS.get(p.tenantId()) : OTHERS.get(p.tenantId()));
  }
}
