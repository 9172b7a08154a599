package io.ferry.worker.postgres;

import io.ferry.worker.dialect.SourcePartition;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a partitioned table's partition key and its partitions, at every depth, from the catalog. */
final class PostgresPartitions {

  /** A partitioned table: its key and its partitions, each listed after its parent. */
  record Partitioning(String key, List<SourcePartition> partitions) {
  }

  /**
   * Level by level, so every partition comes after the partition it belongs to (the order they can be
   * created in). Foreign-table partitions hold no rows here and cannot be created by Ferry: left out
   * with a warning.
   */
  private static final String TREE = """
      SELECT n.nspname, c.relname, pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid),
             CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, c.relkind
      FROM pg_partition_tree(?::oid) t JOIN pg_class c ON c.oid = t.relid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_class p ON p.oid = t.parentrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE t.level > 0
      ORDER BY t.level, n.nspname, c.relname""";

  private PostgresPartitions() {
  }

  static Partitioning read(Connection c, long oid, TableName table, List<String> warnings) throws SQLException {
    String key;
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_partkeydef(?::oid)")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        key = rs.getString(1);
      }
    }
    List<SourcePartition> partitions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(TREE)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableName name = new TableName(rs.getString(1), rs.getString(2));
          String relkind = rs.getString(7);
          if (!relkind.equals("r") && !relkind.equals("p")) {
            warnings.add("partition " + name + " of " + table + " is not a table (relkind '" + relkind
                + "'): it is neither created nor copied");
            continue;
          }
          partitions.add(new SourcePartition(name, new TableName(rs.getString(3), rs.getString(4)), rs.getString(5),
              rs.getString(6)));
        }
      }
    }
    return new Partitioning(key, partitions);
  }
}
