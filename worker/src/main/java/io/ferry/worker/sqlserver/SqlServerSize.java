package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's row count and size as the catalog estimates them: rows from {@code sys.partitions} (heap or
 * clustered index), bytes from the used pages in {@code sys.dm_db_partition_stats}. That view needs
 * {@code VIEW DATABASE STATE} (and Babelfish lacks it): without it the size is unknown (0) and a warning says why.
 */
record SqlServerSize(long rows, long bytes) {

  private static final long PAGE_BYTES = 8192;

  static final String ROWS = """
      SELECT COALESCE(SUM(p.rows), 0), s.name, t.name FROM sys.partitions p
      JOIN sys.tables t ON t.object_id = p.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE %s AND p.index_id IN (0, 1)
      GROUP BY s.name, t.name""";

  static final String PAGES = """
      SELECT COALESCE(SUM(ps.used_page_count), 0), s.name, t.name FROM sys.dm_db_partition_stats ps
      JOIN sys.tables t ON t.object_id = ps.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE %s
      GROUP BY s.name, t.name""";

  /** Nothing known: a table the catalog shows no partitions of. */
  static final SqlServerSize NONE = new SqlServerSize(0, 0);

  static SqlServerSize estimate(Connection source, TableName table, List<String> warnings) throws SQLException {
    long rows = single(source, ROWS, table);
    long bytes;
    try {
      bytes = single(source, PAGES, table) * PAGE_BYTES;
    } catch (SQLException e) {
      bytes = 0;
      warnings.add(table + ": size unknown (sys.dm_db_partition_stats: " + e.getMessage() + ")");
    }
    return new SqlServerSize(rows, bytes);
  }

  /** The estimates of each of {@code tables}, by the names the catalog gives it. */
  static Map<TableName, SqlServerSize> estimate(Connection source, List<TableName> tables,
      Map<TableName, List<String>> warnings) throws SQLException {
    Map<TableName, Long> rows = new HashMap<>();
    Map<TableName, Long> pages = new HashMap<>();
    String unknown = null;
    for (SqlServerTableFilter filter : SqlServerTableFilter.of(tables)) {
      rows.putAll(sums(source, ROWS, filter));
      try {
        pages.putAll(sums(source, PAGES, filter));
      } catch (SQLException e) {
        unknown = e.getMessage();
      }
    }
    Map<TableName, SqlServerSize> sizes = new HashMap<>();
    for (TableName table : tables) {
      if (unknown != null) {
        warnings.computeIfAbsent(table, t -> new ArrayList<>())
            .add(table + ": size unknown (sys.dm_db_partition_stats: " + unknown + ")");
      }
      sizes.put(table, new SqlServerSize(rows.getOrDefault(table, 0L), pages.getOrDefault(table, 0L) * PAGE_BYTES));
    }
    return sizes;
  }

  private static long single(Connection source, String sql, TableName table) throws SQLException {
    return sums(source, sql, SqlServerTableFilter.of(table)).values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<TableName, Long> sums(Connection source, String sql, SqlServerTableFilter filter) throws SQLException {
    Map<TableName, Long> sums = new HashMap<>();
    try (PreparedStatement ps = source.prepareStatement(sql.formatted(filter.sql()))) {
      filter.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sums.merge(SqlServerTableFilter.tableAt(rs, 2), rs.getLong(1), Long::sum);
        }
      }
    }
    return sums;
  }
}
