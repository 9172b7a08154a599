package io.ferry.worker.postgres;

import io.ferry.worker.dialect.ForeignKey;
import io.ferry.worker.dialect.OrphanSql;
import io.ferry.worker.dialect.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The foreign keys among a job's target tables, read in one catalog query, and the statement that finds
 * their orphans. A key PostgreSQL clones onto each partition (or for each partition of a referenced
 * partitioned table) has a parent constraint and is left out: the partitioned table's own key covers its
 * partitions' rows once.
 */
final class PostgresForeignKeys {

  private static final String AMONG = """
      WITH t AS (SELECT u.i, to_regclass(u.q)::oid AS r FROM unnest(?::text[]) WITH ORDINALITY u(q, i))
      SELECT con.conname, ct.i, pt.i,
        ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
        ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o),
        ARRAY(SELECT a.attname::text FROM pg_constraint pk CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY k(n, o)
              JOIN pg_attribute a ON a.attrelid = pk.conrelid AND a.attnum = k.n
              WHERE pk.conrelid = con.conrelid AND pk.contype = 'p' ORDER BY k.o)
      FROM pg_constraint con JOIN t ct ON ct.r = con.conrelid JOIN t pt ON pt.r = con.confrelid
      WHERE con.contype = 'f' AND con.conparentid = 0
      ORDER BY ct.i, con.conname""";

  private PostgresForeignKeys() {
  }

  static List<ForeignKey> among(Connection target, List<TableName> tables) throws SQLException {
    List<ForeignKey> keys = new ArrayList<>();
    if (tables.isEmpty()) {
      return keys;
    }
    try (PreparedStatement ps = target.prepareStatement(AMONG)) {
      ps.setArray(1, target.createArrayOf("text", tables.stream().map(PgSql::table).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(new ForeignKey(rs.getString(1), tables.get(rs.getInt(2) - 1), strings(rs.getArray(4)),
              tables.get(rs.getInt(3) - 1), strings(rs.getArray(5)), strings(rs.getArray(6))));
        }
      }
    }
    return keys;
  }

  static String orphansSql(ForeignKey fk, String tenantColumn, int maxKeys) {
    return OrphanSql.build(fk, tenantColumn, maxKeys, PgSql::ident, PgSql::table, "count(*)");
  }

  private static List<String> strings(Array array) throws SQLException {
    return Arrays.asList((String[]) array.getArray());
  }
}
