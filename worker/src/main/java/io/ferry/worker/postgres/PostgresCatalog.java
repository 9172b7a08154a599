package io.ferry.worker.postgres;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads table descriptions from the PostgreSQL catalog. */
final class PostgresCatalog {

  /**
   * Ordinary and partitioned tables. Partitions are left out: they belong to the job with their
   * partitioned parent (the preflight plans its leaves from the parent's description), so a partition
   * is never selected on its own, nor copied twice.
   */
  private static final String LIST_TABLES = """
      SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('information_schema', 'ferry') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1, 2""";

  private static final String TABLE = """
      SELECT c.oid, c.relkind = 'p', c.reltuples, pg_table_size(c.oid)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""";

  /** Sizes of a partitioned table are the sums over its leaf partitions (the parent holds no rows). */
  private static final String PARTITION_SIZES = """
      SELECT coalesce(sum(greatest(c.reltuples, 0)), 0), coalesce(bool_or(c.reltuples < 0), false),
             coalesce(sum(pg_table_size(c.oid)), 0)
      FROM pg_partition_tree(?::oid) t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf""";

  private static final String COLUMNS = """
      SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '',
             a.attidentity, pg_get_expr(d.adbin, d.adrelid),
             (SELECT s.relname FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid
              WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
                AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
                AND s.relkind = 'S' LIMIT 1),
             (SELECT s.oid FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid
              WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
                AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i')
                AND s.relkind = 'S' LIMIT 1)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  private static final String CHECKS = """
      SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
      WHERE conrelid = ?::oid AND contype = 'c' AND conislocal ORDER BY conname""";

  private static final String PRIMARY_KEY = """
      SELECT a.attname FROM pg_index i
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = ?::oid AND i.indisprimary ORDER BY k.ord""";

  private static final String INDEXES = """
      SELECT i.indexrelid, ic.relname, i.indisunique, con.contype, am.amname, i.indnkeyatts,
             pg_get_expr(i.indpred, i.indrelid)
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
      WHERE i.indrelid = ?::oid AND NOT i.indisprimary
      ORDER BY ic.relname""";

  /**
   * indoption bit 0 is DESC, bit 1 NULLS FIRST; the ordinal column text comes from pg_get_indexdef, which
   * leaves out a key's collation and operator class: those are read here when they are not the default.
   */
  private static final String INDEX_KEYS = """
      SELECT k.attnum, a.attname, pg_get_indexdef(i.indexrelid, k.ord::int, true), i.indoption[k.ord - 1],
             (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
              JOIN pg_namespace cn ON cn.oid = co.collnamespace
              WHERE co.oid = i.indcollation[k.ord - 1] AND co.oid <> coalesce(a.attcollation, 100)),
             (SELECT quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) FROM pg_opclass opc
              JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
              WHERE opc.oid = i.indclass[k.ord - 1] AND NOT opc.opcdefault)
      FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
      WHERE i.indexrelid = ?::oid ORDER BY k.ord""";

  private static final String FOREIGN_KEYS = """
      SELECT con.conname, rn.nspname, rc.relname, con.confdeltype, con.confupdtype, con.condeferrable,
             con.condeferred,
             ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
             ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)
      FROM pg_constraint con JOIN pg_class rc ON rc.oid = con.confrelid
        JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.conrelid = ?::oid AND con.contype = 'f' ORDER BY con.conname""";

  private PostgresCatalog() {
  }

  static List<TableName> listTables(Connection c) throws SQLException {
    List<TableName> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(LIST_TABLES); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new TableName(rs.getString(1), rs.getString(2)));
      }
    }
    return out;
  }

  /** The table's oid, or -1 when no such table exists. */
  static long oid(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(TABLE)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  static SourceTable describe(Connection c, TableName table, List<String> warnings) throws SQLException {
    long oid;
    boolean partitioned;
    double reltuples;
    long bytes;
    try (PreparedStatement ps = c.prepareStatement(TABLE)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("table " + table + " does not exist", "42P01");
        }
        oid = rs.getLong(1);
        partitioned = rs.getBoolean(2);
        reltuples = rs.getDouble(3);
        bytes = rs.getLong(4);
      }
    }
    if (partitioned) {
      try (PreparedStatement ps = c.prepareStatement(PARTITION_SIZES)) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          reltuples = rs.getBoolean(2) ? -1 : rs.getDouble(1);
          bytes = rs.getLong(3);
        }
      }
    }
    // reltuples is -1 until the table is first vacuumed or analyzed: count instead of guessing.
    long rows = reltuples < 0 ? count(c, partitioned ? PgSql.table(table) : PgSql.ownRows(table)) : Math.round(reltuples);
    PostgresPartitions.Partitioning partitioning = partitioned ? PostgresPartitions.read(c, oid, table, warnings) : null;
    PostgresNotCarried.warn(c, oid, table, warnings);
    return new SourceTable(table, partitioned, columns(c, oid, table, warnings), primaryKey(c, oid),
        indexes(c, oid, table, warnings), foreignKeys(c, oid), rows, bytes, partitioning == null ? null : partitioning.key(),
        partitioning == null ? List.of() : partitioning.partitions(), checks(c, oid));
  }

  private static long count(Connection c, String rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + rows);
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<SourceColumn> columns(Connection c, long oid, TableName table, List<String> warnings)
      throws SQLException {
    List<SourceColumn> out = new ArrayList<>();
    List<Long> sequences = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean generated = rs.getBoolean(4);
          String identity = switch (rs.getString(5)) {
            case "a" -> "always";
            case "d" -> "by_default";
            default -> null;
          };
          String expr = rs.getString(6);
          String sequence = identity == null && !generated ? rs.getString(7) : null;
          String defaultExpr = generated || sequence != null ? null : expr;
          out.add(new SourceColumn(rs.getString(1), rs.getString(2), !rs.getBoolean(3), defaultExpr,
              generated ? expr : null, identity, sequence));
          sequences.add(generated ? 0 : rs.getLong(8));
        }
      }
    }
    for (int i = 0; i < out.size(); i++) {
      if (sequences.get(i) != 0) {
        SourceColumn col = out.get(i);
        out.set(i, new SourceColumn(col.name(), col.type(), col.nullable(), col.defaultExpr(), col.generatedExpr(),
            col.identity(), col.sequence(), col.collation(), PostgresSequences.next(c, sequences.get(i), table, col.name(), warnings)));
      }
    }
    return out;
  }

  private static List<SourceCheck> checks(Connection c, long oid) throws SQLException {
    List<SourceCheck> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SourceCheck(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  private static List<String> primaryKey(Connection c, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static List<SourceIndex> indexes(Connection c, long oid, TableName table, List<String> warnings) throws SQLException {
    record Row(long indexOid, String name, boolean unique, String contype, String method, int keyColumns, String predicate) {
    }
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(INDEXES)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getString(5),
              rs.getInt(6), rs.getString(7)));
        }
      }
    }
    List<SourceIndex> out = new ArrayList<>();
    for (Row row : rows) {
      if (row.contype() != null && !row.contype().equals("u")) {
        String kind = row.contype().equals("x") ? "exclusion constraint" : "constraint of type '" + row.contype() + "'";
        warnings.add(kind + " " + row.name() + " of " + table + " is not carried: create it on the target");
        continue;
      }
      List<SourceIndex.Key> keys = new ArrayList<>();
      List<String> include = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(INDEX_KEYS)) {
        ps.setLong(1, row.indexOid());
        try (ResultSet rs = ps.executeQuery()) {
          int position = 0;
          while (rs.next()) {
            int attnum = rs.getInt(1);
            String column = attnum > 0 ? rs.getString(2) : null;
            if (position++ >= row.keyColumns()) {
              include.add(column);
              continue;
            }
            String collation = rs.getString(5) == null ? "" : "COLLATE " + rs.getString(5);
            String opclass = rs.getString(6) == null ? "" : rs.getString(6);
            String options = String.join(" ", java.util.stream.Stream.of(collation, opclass, ordering(rs.getInt(4)))
                .filter(o -> !o.isEmpty()).toList());
            keys.add(new SourceIndex.Key(column, column == null ? rs.getString(3) : null, options));
          }
        }
      }
      out.add(new SourceIndex(row.name(), row.unique(), "u".equals(row.contype()), row.method(), keys, include,
          row.predicate()));
    }
    return out;
  }

  /** The ordering suffix for indoption bits, printing only what differs from the default. */
  static String ordering(int option) {
    boolean desc = (option & 1) != 0;
    boolean nullsFirst = (option & 2) != 0;
    if (desc) {
      return nullsFirst ? "DESC" : "DESC NULLS LAST";
    }
    return nullsFirst ? "NULLS FIRST" : "";
  }

  private static List<SourceForeignKey> foreignKeys(Connection c, long oid) throws SQLException {
    List<SourceForeignKey> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(FOREIGN_KEYS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String deferrable = !rs.getBoolean(6) ? "" : rs.getBoolean(7) ? "DEFERRABLE INITIALLY DEFERRED" : "DEFERRABLE";
          out.add(new SourceForeignKey(rs.getString(1), strings(rs.getArray(8)),
              new TableName(rs.getString(2), rs.getString(3)), strings(rs.getArray(9)),
              action(rs.getString(4)), action(rs.getString(5)), deferrable));
        }
      }
    }
    return out;
  }

  private static String action(String code) {
    return switch (code) {
      case "r" -> "RESTRICT";
      case "c" -> "CASCADE";
      case "n" -> "SET NULL";
      case "d" -> "SET DEFAULT";
      default -> "NO ACTION";
    };
  }

  private static List<String> strings(Array array) throws SQLException {
    return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }
}
