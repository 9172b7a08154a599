package io.ferry.deploy.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A tenant database with the shapes a real one has: integer keys dense and then spread to 9e18,
 * NULLs, unicode, jsonb, bytea, numeric, timestamptz, arrays, an empty table, a mixed-case quoted name,
 * a non-integer key, a unique constraint, a secondary index and a foreign key.
 */
final class Fixture {

  static final List<String> TABLES = List.of("public.items", "public.OrderLines", "public.empty_table",
      "public.codes", "public.customers", "public.orders");

  private Fixture() {
  }

  static void create(Connection c, int tenant, int items) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("""
          CREATE TABLE items (id bigint PRIMARY KEY, name text, payload jsonb, blob bytea, amount numeric(20,6),
            happened_at timestamptz, tags int[], flag boolean)""");
      // 90% of the keys dense from 1, 10% spread up to 9e18: the splitter must follow the rows.
      int dense = items * 9 / 10;
      st.execute("INSERT INTO items SELECT CASE WHEN i <= " + dense + " THEN i ELSE (i::numeric * 9e18 / " + items + ")::bigint END, "
          + "CASE WHEN i % 11 = 0 THEN NULL ELSE 'item ' || i || ' — ünïcødé ✓ 東京 " + tenant + "' END, "
          + "CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('i', i, 'tenant', " + tenant + ", 'nested', jsonb_build_array(i, 'x', null)) END, "
          + "CASE WHEN i % 7 = 0 THEN NULL ELSE decode(md5(i::text), 'hex') END, "
          + "(i * 1234.567891)::numeric(20,6), timestamptz '2024-02-29 12:00:00+00' + (i || ' seconds')::interval, "
          + "ARRAY[i, i + 1, NULL], i % 2 = 0 FROM generate_series(1, " + items + ") i");
      st.execute("CREATE TABLE \"OrderLines\" (\"Id\" integer PRIMARY KEY, \"Qty\" integer NOT NULL, \"Note\" text)");
      st.execute("INSERT INTO \"OrderLines\" SELECT i, i % 9, 'line ' || i FROM generate_series(1, 3000) i");
      st.execute("CREATE TABLE empty_table (id bigint PRIMARY KEY, v text)");
      st.execute("CREATE TABLE codes (code text PRIMARY KEY, v integer)");
      st.execute("INSERT INTO codes SELECT 'c' || i, i FROM generate_series(1, 500) i");
      st.execute("CREATE TABLE customers (id bigint PRIMARY KEY, email text UNIQUE, name text NOT NULL)");
      st.execute("INSERT INTO customers SELECT i, 'c' || i || '@t" + tenant + ".example', 'Customer ' || i FROM generate_series(1, 2000) i");
      st.execute("""
          CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),
            total numeric(12,2), created timestamptz DEFAULT now())""");
      st.execute("CREATE INDEX orders_customer ON orders (customer_id)");
      st.execute("INSERT INTO orders SELECT i, 1 + i % 2000, (i % 1000) / 7.0, timestamptz '2023-01-01 00:00:00+00' + (i || ' hours')::interval "
          + "FROM generate_series(1, 8000) i");
      st.execute("ANALYZE");
    }
  }
}
