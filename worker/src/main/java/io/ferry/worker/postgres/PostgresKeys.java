package io.ferry.worker.postgres;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the key a PostgreSQL table is split on.
 *
 * <p>Ranges and resumes need a key that is <em>unique</em> and <em>totally ordered</em> in the order the
 * source compares it: a resumed read starts strictly after the last committed key, which skips nothing
 * only if no other row shares that key. In order of preference:
 * <ol>
 *   <li>the primary key, of any number of columns and any orderable type;</li>
 *   <li>a unique index: valid (a failed {@code CREATE INDEX CONCURRENTLY} leaves an invalid one that
 *       guarantees nothing), not partial (it would not cover every row), without expressions (we compare
 *       columns), preferring one whose columns are all NOT NULL, then the fewest columns. Rows where a
 *       column of a nullable unique key is NULL are not unique at all; they get a range of their own;</li>
 *   <li>the physical row address ({@code ctid}): ranges of heap blocks.</li>
 * </ol>
 *
 * <p>Collations: ranges compare key columns with their own collation (the literal takes the column's),
 * so the order is the source's. For a deterministic collation, equal means byte-equal, so uniqueness under
 * the index's collation is uniqueness under the column's. A <em>nondeterministic</em> column collation
 * (e.g. case-insensitive ICU) makes distinct values compare equal; if the index enforces uniqueness under
 * another collation, two rows could tie in our comparison and a resume could skip one. Such an index is
 * passed over.
 */
final class PostgresKeys {

  /**
   * Candidate keys, best first; {@code usable} is false when the collation rule above rules the index out.
   * The last column says per key column whether its order is collation-free: a collatable column (text,
   * a domain over it, citext…) compares in the target column's collation there, which may order
   * differently (another database default, another ICU version), so the same range may select other rows.
   */
  private static final String CANDIDATES = """
      SELECT ic.relname, i.indisprimary,
             array_agg(a.attname::text ORDER BY k.ord),
             bool_and(a.attnotnull),
             bool_and(k.coll = a.attcollation OR coalesce(col.collisdeterministic, true)),
             array_agg(a.attcollation = 0 ORDER BY k.ord)
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indcollation::oid[]) WITH ORDINALITY k(attnum, coll, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        LEFT JOIN pg_collation col ON col.oid = a.attcollation
      WHERE i.indrelid = ?::oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        AND k.ord <= i.indnkeyatts
      GROUP BY i.indexrelid, ic.relname, i.indisprimary
      ORDER BY i.indisprimary DESC, bool_and(a.attnotnull) DESC, count(*), ic.relname""";

  private PostgresKeys() {
  }

  static SplitKey choose(Connection c, SourceTable table, List<String> warnings) throws SQLException {
    long oid = PostgresCatalog.oid(c, table.name());
    try (PreparedStatement ps = c.prepareStatement(CANDIDATES)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String index = rs.getString(1);
          boolean primary = rs.getBoolean(2);
          List<String> columns = strings(rs.getArray(3));
          boolean notNull = rs.getBoolean(4);
          if (!rs.getBoolean(5)) {
            warnings.add("table " + table.name() + ": " + (primary ? "primary key " : "unique index ") + index
                + " is not used to split the table: a column's nondeterministic collation differs from the index's,"
                + " so two distinct keys could compare equal");
            continue;
          }
          List<String> types = columns.stream().map(k -> table.column(k).type()).toList();
          List<Boolean> portable = booleans(rs.getArray(6));
          if (primary) {
            return new SplitKey(columns, types, false, portable, SplitMethod.PRIMARY_KEY, "primary key");
          }
          warnings.add("table " + table.name() + " has no primary key: it is split on unique index " + index + " "
              + columns + (notNull ? "" : "; rows where a key column is NULL are copied as one unit of their own"));
          return new SplitKey(columns, types, !notNull, portable, SplitMethod.UNIQUE_INDEX, "unique index " + index);
        }
      }
    }
    warnings.add("table " + table.name() + " has no primary key and no usable unique index: it is split into ranges"
        + " of physical blocks (ctid), which assumes the table is not written while it is copied");
    return SplitKey.ctid();
  }

  private static List<Boolean> booleans(Array array) throws SQLException {
    return Arrays.stream((Object[]) array.getArray()).map(b -> (Boolean) b).toList();
  }

  private static List<String> strings(Array array) throws SQLException {
    return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }
}
