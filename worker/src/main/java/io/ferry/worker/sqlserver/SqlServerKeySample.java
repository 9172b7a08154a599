package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Split points of a SQL Server key, always in the server's order of the key (its collations, its
 * {@code uniqueidentifier} order): nothing is sorted in Java. From the statistics histogram
 * ({@code sys.dm_db_stats_histogram}, SQL Server 2016 SP1 CU2 and later) for a one-column key when it has
 * enough steps; else the first key of each of {@code points} equal tiles ({@code NTILE}) of the key in
 * index order, over a {@code TABLESAMPLE} of about {@value #SAMPLE_ROWS} rows for tables the catalog counts
 * at {@value #EXACT_LIMIT} rows or more, over every row otherwise. Where the server has no histogram
 * function ({@link SqlServerCapabilities#histogram}: before 2016 SP1 CU2, Babelfish) the points are sampled;
 * a histogram the login may not read is named in the plan's warnings and the points are sampled too.
 */
final class SqlServerKeySample {

  static final long EXACT_LIMIT = 100_000;
  static final long SAMPLE_ROWS = 20_000;

  private SqlServerKeySample() {
  }

  static KeySample sample(Connection c, SourceTable table, SplitKey key, int points, int minPoints) throws SQLException {
    if (!key.ordered() || points < 2) {
      return KeySample.EMPTY;
    }
    List<String> warnings = new ArrayList<>();
    if (usesHistogram(SqlServerCapabilities.of(c), key)) {
      try {
        List<String> fromHistogram = histogram(c, table, key, points);
        if (fromHistogram.size() >= Math.max(2, minPoints)) {
          return new KeySample(fromHistogram.stream().map(List::of).toList(), "histogram");
        }
      } catch (SQLException e) {
        warnings.add("table " + table.name() + ": statistics histogram not readable (" + e.getMessage()
            + "); split points are sampled from the table instead");
      }
    }
    return sampleRows(c, table, key, points).withWarnings(warnings);
  }

  /** Whether the points come from the statistics histogram first: a one-column key on a server that has it. */
  static boolean usesHistogram(SqlServerCapabilities server, SplitKey key) {
    return server.histogram() && key.columns().size() == 1;
  }

  private static KeySample sampleRows(Connection c, SourceTable table, SplitKey key, int points) throws SQLException {
    if (table.estimatedRows() >= EXACT_LIMIT) {
      double percent = Math.min(100.0, 100.0 * SAMPLE_ROWS / table.estimatedRows());
      List<List<String>> sampled = tiles(c, tilesSql(table, key, percent), key, points);
      if (sampled.size() >= 2) {
        return new KeySample(sampled, "sample");
      }
    }
    return new KeySample(tiles(c, tilesSql(table, key, null), key, points), "exact");
  }

  /**
   * The first key of each tile, in key order. The tile number and row number have names no key column
   * is likely to have; a key column of the same name would only be shadowed inside the derived tables.
   *
   * @param percent a {@code TABLESAMPLE} percentage, or null to tile every row
   */
  static String tilesSql(SourceTable table, SplitKey key, Double percent) {
    String cols = SqlServerSql.idents(key.columns());
    String from = SqlServerSql.table(table.name()) + (percent == null ? "" : " TABLESAMPLE (" + percent + " PERCENT)");
    String notNull = String.join(" AND ", key.columns().stream().map(k -> SqlServerSql.ident(k) + " IS NOT NULL").toList());
    return "SELECT " + cols + " FROM (SELECT " + cols + ", ROW_NUMBER() OVER (PARTITION BY ferry_tile ORDER BY " + cols
        + ") AS ferry_rn FROM (SELECT " + cols + ", NTILE(?) OVER (ORDER BY " + cols + ") AS ferry_tile FROM " + from
        + " WHERE " + notNull + ") tiles) firsts WHERE ferry_rn = 1 ORDER BY " + cols;
  }

  private static List<List<String>> tiles(Connection c, String sql, SplitKey key, int points) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, points);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> tuple = new ArrayList<>();
          for (int i = 0; i < key.columns().size(); i++) {
            tuple.add(SqlServerKeyText.print(rs, i + 1, key.types().get(i)));
          }
          out.add(tuple);
        }
      }
    }
    return out;
  }

  /**
   * Every histogram of statistics that lead with the key column: step upper bounds cast back to the
   * column's type (they are {@code sql_variant}) and the rows up to each.
   */
  static String histogramSql(String keyType) {
    return "SELECT s.stats_id, CAST(h.range_high_key AS " + keyType + "), h.equal_rows + h.range_rows"
        + " FROM sys.stats s"
        + " JOIN sys.stats_columns sc ON sc.object_id = s.object_id AND sc.stats_id = s.stats_id AND sc.stats_column_id = 1"
        + " JOIN sys.columns c ON c.object_id = sc.object_id AND c.column_id = sc.column_id"
        + " CROSS APPLY sys.dm_db_stats_histogram(s.object_id, s.stats_id) h"
        + " WHERE s.object_id = OBJECT_ID(?) AND c.name = ? ORDER BY s.stats_id, h.step_number";
  }

  /** The points of the histogram with the most steps; empty when there is none. */
  private static List<String> histogram(Connection c, SourceTable table, SplitKey key, int points) throws SQLException {
    Map<Integer, List<String>> keys = new LinkedHashMap<>();
    Map<Integer, List<Long>> rows = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(histogramSql(key.types().get(0)))) {
      ps.setNString(1, SqlServerSql.table(table.name()));
      ps.setNString(2, key.columns().get(0));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String bound = SqlServerKeyText.print(rs, 2, key.types().get(0));
          if (bound != null) {
            keys.computeIfAbsent(rs.getInt(1), id -> new ArrayList<>()).add(bound);
            rows.computeIfAbsent(rs.getInt(1), id -> new ArrayList<>()).add(rs.getLong(3));
          }
        }
      }
    }
    Integer best = keys.keySet().stream().max((a, b) -> Integer.compare(keys.get(a).size(), keys.get(b).size())).orElse(null);
    return best == null ? List.of() : pick(keys.get(best), rows.get(best), points);
  }

  /**
   * Up to {@code points} step bounds at equal row-count steps: the first bound (the smallest key), then
   * the first bound at or past each further {@code k/points} of the rows.
   */
  static List<String> pick(List<String> bounds, List<Long> rowsPerStep, int points) {
    long total = rowsPerStep.stream().mapToLong(Long::longValue).sum();
    List<String> out = new ArrayList<>();
    long cumulative = 0;
    int next = 0;
    for (int i = 0; i < bounds.size() && next < points; i++) {
      cumulative += rowsPerStep.get(i);
      if (next == 0 || cumulative * points >= (long) next * total) {
        out.add(bounds.get(i));
        next++;
        while (next < points && cumulative * points >= (long) next * total) {
          next++;
        }
      }
    }
    return out;
  }
}
