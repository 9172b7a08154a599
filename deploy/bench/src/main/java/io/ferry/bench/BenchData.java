package io.ferry.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The benchmark's source tables, built once in a local database and kept between runs:
 * {@code narrow} (10 M rows: bigint key, int, short text, numeric, timestamptz, boolean),
 * {@code wide} (1 M rows: jsonb ~800 B, bytea ~512 B, text ~200 B) and {@code skewed} (3 M rows, 90% of
 * the keys dense, 10% spread up to 9e18). {@code scale} multiplies every row count.
 */
final class BenchData {

  static final String SOURCE = "ferry_bench_src";
  /**
   * Each run writes into a target database of its own (dropped at the end), so two benchmark runs on one
   * machine never write the same tables; the source tables are shared and only read.
   */
  static final String TARGET = "ferry_bench_dst_" + ProcessHandle.current().pid();

  /** The warm-up jobs' table: narrow's columns, a fixed 200,000 rows whatever the scale. */
  static final String WARMUP = "warmup";

  private final String baseUrl;
  private final String user;
  private boolean checkpointRefused;

  BenchData(String baseUrl, String user) {
    this.baseUrl = baseUrl;
    this.user = user;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(baseUrl + database, user, "");
  }

  static long rows(String table, double scale) {
    long base = switch (table) {
      case "narrow" -> 10_000_000L;
      case "wide" -> 1_000_000L;
      case "skewed" -> 3_000_000L;
      case WARMUP -> 200_000L;
      default -> throw new IllegalArgumentException("unknown benchmark table " + table + " (narrow, wide, skewed)");
    };
    return table.equals(WARMUP) ? base : Math.max(1000, Math.round(base * scale));
  }

  /** Creates the databases if needed and (re)builds a table unless it already holds the right row count. */
  void ensure(String table, double scale, boolean rebuild) throws SQLException {
    try (Connection admin = connect("postgres"); Statement st = admin.createStatement()) {
      for (String db : new String[] {SOURCE, TARGET}) {
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
          if (!rs.next()) {
            st.execute("CREATE DATABASE " + db);
          }
        }
      }
    }
    long rows = rows(table, scale);
    try (Connection c = connect(SOURCE); Statement st = c.createStatement()) {
      if (!rebuild && existingRows(st, table) == rows) {
        return;
      }
      long started = System.nanoTime();
      st.execute("DROP TABLE IF EXISTS " + table);
      st.execute(create(table));
      st.execute(fill(table, rows));
      st.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (id)");
      st.execute("VACUUM ANALYZE " + table);
      System.out.printf(Locale.ROOT, "built %s: %,d rows in %.0f s%n", table, rows, (System.nanoTime() - started) / 1e9);
    }
  }

  private static long existingRows(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return -1;
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String create(String table) {
    return switch (table) {
      case WARMUP -> "CREATE TABLE warmup (id bigint NOT NULL, n integer, label text, amount numeric(12,2), at timestamptz, flag boolean)";
      case "narrow" -> "CREATE TABLE narrow (id bigint NOT NULL, n integer, label text, amount numeric(12,2), at timestamptz, flag boolean)";
      case "wide" -> "CREATE TABLE wide (id bigint NOT NULL, doc jsonb, blob bytea, note text)";
      default -> "CREATE TABLE skewed (id bigint NOT NULL, n integer, label text, at timestamptz)";
    };
  }

  private static String fill(String table, long rows) {
    return switch (table) {
      case "narrow", WARMUP -> "INSERT INTO " + table + " SELECT i, (i * 7) % 100000, 'label-' || (i % 1000), (i % 100000) / 100.0, "
          + "timestamptz '2024-01-01 00:00:00+00' + (i || ' seconds')::interval, i % 2 = 0 FROM generate_series(1, " + rows + ") i";
      // ~800 B of jsonb, 512 B of bytea, ~200 B of text per row.
      case "wide" -> "INSERT INTO wide SELECT i, jsonb_build_object('id', i, 'name', 'customer ' || i, 'tags', "
          + "jsonb_build_array('a', 'b', 'c', i % 17), 'notes', repeat(md5(i::text), 22)), "
          + "decode(repeat(md5(i::text), 16), 'hex'), repeat(md5((i + 1)::text), 6) || ' ' || i FROM generate_series(1, " + rows + ") i";
      default -> "INSERT INTO skewed SELECT CASE WHEN i <= " + (rows * 9 / 10) + " THEN i ELSE (i::numeric * 9e18 / " + rows
          + ")::bigint END, i % 1000, 'row ' || i, timestamptz '2024-01-01 00:00:00+00' + (i || ' seconds')::interval "
          + "FROM generate_series(1, " + rows + ") i";
    };
  }

  /**
   * Before a measured copy: drops that side's table from the last copy ({@code schema.table}) and has the
   * server write every dirty page out ({@code CHECKPOINT}). Each copy writes ~1.5 GB (table, key, WAL):
   * without this, the next job paid for part of the last one's writes in a checkpoint that came at a
   * random point of it (a job right after another ran up to 20% slower), and Ferry's prepare dropped the
   * last 730 MB table inside its clock where the pipe's was dropped outside. Without the right to
   * checkpoint (superuser or {@code pg_checkpoint}), only the drop is done, and the noise stays.
   */
  void clearBefore(String schema, String table) throws SQLException {
    try (Connection c = connect(TARGET); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      st.execute("DROP TABLE IF EXISTS " + schema + "." + table);
      try {
        st.execute("CHECKPOINT");
      } catch (SQLException e) {
        if (!checkpointRefused) {
          System.out.println("no CHECKPOINT between copies (" + e.getMessage() + "): figures are noisier");
          checkpointRefused = true;
        }
      }
    }
  }

  /** Modes that load into a table holding its primary key; the others add it after the rows. */
  static boolean keyBeforeLoad(String mode) {
    return !mode.equals("create") && !mode.equals("drop_recreate");
  }

  /**
   * An empty {@code schema.table} in the target with the source table's columns and types, and with its
   * primary key if {@code withKey}: the state a job of mode truncate, append or preserve_schema starts from.
   */
  void createLike(String schema, String table, boolean withKey) throws SQLException {
    try (Connection src = connect(SOURCE); Connection dst = connect(TARGET);
         Statement s = src.createStatement(); Statement d = dst.createStatement();
         ResultSet rs = s.executeQuery("SELECT string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', '"
             + " ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public." + table + "'::regclass AND attnum > 0"
             + " AND NOT attisdropped")) {
      rs.next();
      d.execute("CREATE TABLE " + schema + "." + table + " (" + rs.getString(1) + (withKey ? ", PRIMARY KEY (id)" : "") + ")");
    }
  }

  void dropTarget() throws SQLException {
    try (Connection admin = connect("postgres"); Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + TARGET + " WITH (FORCE)");
    }
  }

  long tableBytes(String table) throws SQLException {
    try (Connection c = connect(SOURCE); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT pg_table_size('public." + table + "')")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
