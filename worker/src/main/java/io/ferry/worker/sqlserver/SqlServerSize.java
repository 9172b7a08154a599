package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A table's row count and size as the catalog estimates them: rows from {@code sys.partitions} (heap or
 * clustered index), bytes from the used pages in {@code sys.dm_db_partition_stats}. That view needs
 * {@code VIEW DATABASE STATE} (and Babelfish lacks it): without it the size is unknown (0) and a warning says why.
 */
record SqlServerSize(long rows, long bytes) {

  private static final long PAGE_BYTES = 8192;

  static final String ROWS = """
      SELECT COALESCE(SUM(p.rows), 0) FROM sys.partitions p
      JOIN sys.tables t ON t.object_id = p.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE s.name = ? AND t.name = ? AND p.index_id IN (0, 1)""";

  static final String PAGES = """
      SELECT COALESCE(SUM(ps.used_page_count), 0) FROM sys.dm_db_partition_stats ps
      JOIN sys.tables t ON t.object_id = ps.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      WHERE s.name = ? AND t.name = ?""";

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

  private static long single(Connection source, String sql, TableName table) throws SQLException {
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      ps.setNString(1, table.schema());
      ps.setNString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
