package io.ferry.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A tenant database with one table per key shape Ferry splits: composite (int, text) keys holding hostile
 * text (quotes, backslashes, unicode), uuid, text under an ICU collation (an order neither C nor Java's
 * String gives), text under a case-insensitive nondeterministic collation, timestamptz with microseconds,
 * (date, int), a nullable unique key with NULLs, a table whose best unique index must be chosen among
 * partial, expression and nullable ones, a table without key (ctid, with holes from deletes), a
 * range-partitioned table with a partition in another schema and a default partition, a text key where
 * 90% of the rows share a prefix, and wide rows (kilobytes of bytea and jsonb). Only {@code uuids} and
 * {@code skewed_codes} are analyzed: their keys are sampled from the planner's histogram.
 */
public final class KeyShapes {

  /** Every table, {@code schema.table}; the partitioned parent reads all its partitions. */
  public static final List<String> TABLES = List.of("public.composite", "public.uuids", "public.icu_names",
      "public.ci_names", "public.events", "public.daily", "public.nullable_keys", "public.two_uniques", "public.heap_rows",
      "public.measurements", "archive.measurements_2023", "public.measurements_2024", "public.measurements_other",
      "public.skewed_codes", "public.wide");
  /** Tables with copy units of their own: all but the partitioned parent, whose rows are copied through its leaves. */
  public static final List<String> COPIED = TABLES.stream().filter(t -> !t.equals("public.measurements")).toList();

  private KeyShapes() {
  }

  /**
   * Creates the tables with {@code rows} rows in most of them ({@code measurements} among them), four times
   * as many in {@code skewed_codes}, a sixth as many in {@code two_uniques} and {@code 2/5} as many wide
   * rows; {@code tenant} makes one tenant's values differ from another's.
   */
  public static void create(Connection c, int tenant, int rows) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE composite (region integer, code text, v text, PRIMARY KEY (region, code))");
      st.execute("""
          INSERT INTO composite SELECT g % 7, CASE g % 5 WHEN 0 THEN 'O''Brien ' WHEN 1 THEN 'back\\slash\\'' '
            WHEN 2 THEN 'ünïcødé ✓ 日本 🚢 ' WHEN 3 THEN '"quoted", (paren) ' ELSE 'plain ' END || g, 'v' || g || '-"""
          + tenant + "' FROM generate_series(1, " + rows + ") g");

      st.execute("CREATE TABLE uuids (id uuid PRIMARY KEY, v integer)");
      st.execute("INSERT INTO uuids SELECT md5(g || '-" + tenant + "')::uuid, g FROM generate_series(1, " + rows + ") g");
      st.execute("ANALYZE uuids");

      st.execute("CREATE TABLE icu_names (name text COLLATE \"und-x-icu\" PRIMARY KEY, v integer)");
      st.execute("INSERT INTO icu_names SELECT (ARRAY['apple', 'Apple', 'éclair', 'Zebra', 'zebra', 'Ähre'])[1 + g % 6] || ' ' || g, g"
          + " FROM generate_series(1, " + rows + ") g");

      st.execute("CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
      st.execute("CREATE TABLE ci_names (name varchar(40) COLLATE case_insensitive PRIMARY KEY, v integer)");
      st.execute("INSERT INTO ci_names SELECT CASE WHEN g % 2 = 0 THEN 'Name-' || g ELSE 'nAME-' || g END"
          + " || CASE WHEN g % 3 = 0 THEN 'X' ELSE 'y' END, g FROM generate_series(1, " + rows + ") g");

      st.execute("CREATE TABLE events (at timestamptz PRIMARY KEY, v text)");
      st.execute("INSERT INTO events SELECT timestamptz '2024-03-30 22:00:00+00' + g * interval '1.234567 seconds', 'e' || g"
          + " FROM generate_series(1, " + rows + ") g");

      st.execute("CREATE TABLE daily (day date, n integer, v text, PRIMARY KEY (day, n))");
      st.execute("INSERT INTO daily SELECT date '2023-12-25' + g / 40, g % 40, 'd' || g FROM generate_series(1, " + rows + ") g");

      st.execute("CREATE TABLE nullable_keys (a text, b integer, v text, UNIQUE (a, b))");
      st.execute("INSERT INTO nullable_keys SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 'a' || (g % 50) END,"
          + " CASE WHEN g % 13 = 0 THEN NULL ELSE g END, 'n' || g FROM generate_series(1, " + rows + ") g");

      st.execute("CREATE TABLE two_uniques (x integer UNIQUE, w text, y integer NOT NULL, z integer NOT NULL, UNIQUE (y, z))");
      st.execute("CREATE UNIQUE INDEX two_uniques_partial ON two_uniques (w) WHERE w IS NOT NULL");
      st.execute("CREATE UNIQUE INDEX two_uniques_expr ON two_uniques (lower(w))");
      st.execute("INSERT INTO two_uniques SELECT g, 'w' || g, g % 10, g FROM generate_series(1, " + rows / 6 + ") g");

      st.execute("CREATE TABLE heap_rows (x text, y integer)");
      st.execute("INSERT INTO heap_rows SELECT md5(g::text) || md5((g * 7)::text), g FROM generate_series(1, " + 4 * rows / 3 + ") g");
      st.execute("DELETE FROM heap_rows WHERE y % 5 = 0");

      st.execute("CREATE SCHEMA archive");
      st.execute("CREATE TABLE measurements (id bigint, at date, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)");
      st.execute("CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
      st.execute("CREATE TABLE archive.measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
      st.execute("CREATE TABLE measurements_other PARTITION OF measurements DEFAULT");
      st.execute("CREATE INDEX measurements_v ON measurements (v)");
      st.execute("INSERT INTO measurements SELECT g, date '2022-07-01' + (g * 2000 / " + rows + "), 'm' || g"
          + " FROM generate_series(1, " + rows + ") g");

      // 90% of the keys share a long prefix, 10% are spread over hex strings that sort before it.
      st.execute("CREATE TABLE skewed_codes (code text PRIMARY KEY, v integer)");
      st.execute("INSERT INTO skewed_codes SELECT CASE WHEN g % 10 = 0 THEN md5(g::text) ELSE 'tenant-0001-customer-'"
          + " || lpad(g::text, 8, '0') END, g FROM generate_series(1, " + 4 * rows + ") g");
      st.execute("ANALYZE skewed_codes");

      // About 6 kB per row that compression cannot shrink: the bytes, not the rows, decide the units.
      st.execute("CREATE TABLE wide (id integer PRIMARY KEY, blob bytea, doc jsonb)");
      st.execute("""
          INSERT INTO wide SELECT g, (SELECT decode(string_agg(md5(g || '-' || i), ''), 'hex') FROM generate_series(1, 150) i),
            (SELECT jsonb_build_object('parts', jsonb_agg(md5(i || '/' || g))) FROM generate_series(1, 80) i)
          FROM generate_series(1, """ + rows * 2 / 5 + ") g");
    }
  }
}
