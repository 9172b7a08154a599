package io.ferry.deploy.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A tenant database with a table per key shape (see the worker's {@code KeyShapesIT} for the full set):
 * composite (int, text) keys with hostile text, uuid, text in an ICU collation, timestamptz, a nullable
 * unique key with NULLs, no key at all (ctid), a range-partitioned table with a default partition, and
 * a text key where 90% of the rows share a prefix.
 */
final class KeyShapes {

  /** Tables compared row for row; the partitioned parent reads all its partitions. */
  static final List<String> TABLES = List.of("public.composite", "public.uuids", "public.icu_names", "public.events",
      "public.nullable_keys", "public.heap_rows", "public.skewed_codes", "public.measurements", "public.measurements_2023",
      "public.measurements_2024", "public.measurements_other");
  /** Tables with copy units of their own: all but the partitioned parent, whose rows are copied through its leaves. */
  static final List<String> COPIED = TABLES.stream().filter(t -> !t.equals("public.measurements")).toList();

  private KeyShapes() {
  }

  static void create(Connection c, int tenant, int rows) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE composite (region integer, code text, v text, PRIMARY KEY (region, code))");
      st.execute("INSERT INTO composite SELECT g % 7, (ARRAY['O''Brien ', 'back\\slash\\'' ', 'ünï ✓ 日本 ', 'plain '])[1 + g % 4]"
          + " || g, 'v' || g || '-" + tenant + "' FROM generate_series(1, " + rows + ") g");
      st.execute("CREATE TABLE uuids (id uuid PRIMARY KEY, v integer)");
      st.execute("INSERT INTO uuids SELECT md5(g || '-" + tenant + "')::uuid, g FROM generate_series(1, " + rows + ") g");
      st.execute("CREATE TABLE icu_names (name text COLLATE \"und-x-icu\" PRIMARY KEY, v integer)");
      st.execute("INSERT INTO icu_names SELECT (ARRAY['apple', 'Apple', 'éclair', 'Zebra', 'Ähre'])[1 + g % 5] || ' ' || g, g"
          + " FROM generate_series(1, " + rows + ") g");
      st.execute("CREATE TABLE events (at timestamptz PRIMARY KEY, v text)");
      st.execute("INSERT INTO events SELECT timestamptz '2024-03-30 22:00:00+00' + g * interval '1.234567 seconds', 'e' || g"
          + " FROM generate_series(1, " + rows + ") g");
      st.execute("CREATE TABLE nullable_keys (a text, b integer, v text, UNIQUE (a, b))");
      st.execute("INSERT INTO nullable_keys SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 'a' || (g % 50) END,"
          + " CASE WHEN g % 13 = 0 THEN NULL ELSE g END, 'n' || g FROM generate_series(1, " + rows + ") g");
      st.execute("CREATE TABLE heap_rows (x text, y integer)");
      st.execute("INSERT INTO heap_rows SELECT md5(g::text) || md5((g * 7)::text), g FROM generate_series(1, " + rows + ") g");
      st.execute("DELETE FROM heap_rows WHERE y % 5 = 0");
      st.execute("CREATE TABLE skewed_codes (code text PRIMARY KEY, v integer)");
      st.execute("INSERT INTO skewed_codes SELECT CASE WHEN g % 10 = 0 THEN md5(g::text) ELSE 'tenant-0001-customer-'"
          + " || lpad(g::text, 8, '0') END, g FROM generate_series(1, " + 3 * rows + ") g");
      st.execute("CREATE TABLE measurements (id bigint, at date, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)");
      st.execute("CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
      st.execute("CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
      st.execute("CREATE TABLE measurements_other PARTITION OF measurements DEFAULT");
      st.execute("INSERT INTO measurements SELECT g, date '2022-07-01' + (g * 1000 / " + rows + "), 'm' || g"
          + " FROM generate_series(1, " + rows + ") g");
      st.execute("ANALYZE");
    }
  }
}
