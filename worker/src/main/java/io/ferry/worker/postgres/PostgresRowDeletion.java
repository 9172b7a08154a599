package io.ferry.worker.postgres;

import io.ferry.worker.dialect.RowDeletion;
import io.ferry.worker.dialect.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollback's {@code DELETE} on a PostgreSQL target: {@code DELETE FROM t WHERE tenant = ? [AND range]}.
 *
 * <p>The tenant is a bind parameter; identifiers are quoted ({@link PgSql}); the range is
 * {@link PostgresRange}'s predicate, the one the copy read its rows with, so the same bounds select the
 * same rows — provided the target orders the key as the source did. A cast literal compares in the
 * target column's collation, and the target DDL does not carry the source's collations over, so a range
 * over a collatable key column (text and the like) is refused here; the coordinator refuses it first from
 * the plan's {@code keyOrderPortable}, which the source dialect computed. The NULL-key range is exact
 * anywhere (it tests for NULL only). A tenant's whole table needs no range at all.
 */
final class PostgresRowDeletion {

  private PostgresRowDeletion() {
  }

  static long delete(Connection target, RowDeletion d) throws SQLException {
    long oid = PostgresCatalog.oid(target, d.table());
    if (oid < 0) {
      return 0; // never created (its prepare did not run): no row of it was copied
    }
    List<String> terms = new ArrayList<>();
    if (d.tenantColumn() != null) {
      terms.add(PgSql.ident(d.tenantColumn()) + " = ?");
    }
    if (d.range() != null && !d.range().isAll()) {
      if (!d.range().nullKeys()) {
        refuseCollatableKey(target, oid, d);
      }
      terms.add(PostgresRange.predicate(d.key(), d.range(), null));
    }
    String sql = "DELETE FROM " + PgSql.table(d.table()) + (terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms));
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      if (d.tenantColumn() != null) {
        ps.setString(1, d.tenantId());
      }
      return ps.executeLargeUpdate();
    }
  }

  static int dropForeignKeysAmong(Connection target, List<TableName> tables, String jobId, String unitId) throws SQLException {
    List<Long> oids = new ArrayList<>();
    for (TableName t : tables) {
      long oid = PostgresCatalog.oid(target, t);
      if (oid >= 0) {
        oids.add(oid);
      }
    }
    if (oids.isEmpty()) {
      return 0;
    }
    List<Long> constraints = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT oid FROM pg_constraint"
        + " WHERE contype = 'f' AND conrelid = ANY (?) AND confrelid = ANY (?) ORDER BY conname")) {
      Array array = target.createArrayOf("bigint", oids.toArray());
      ps.setArray(1, array);
      ps.setArray(2, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          constraints.add(rs.getLong(1));
        }
      }
    }
    try (PreparedStatement ps = target.prepareStatement("SELECT ferry.drop_constraint(?, ?, ?::oid)")) {
      for (long constraint : constraints) {
        ps.setString(1, jobId);
        ps.setString(2, unitId);
        ps.setLong(3, constraint);
        ps.execute();
      }
    }
    return constraints.size();
  }

  private static void refuseCollatableKey(Connection target, long oid, RowDeletion d) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(
        "SELECT attname FROM pg_attribute WHERE attrelid = ? AND attname = ANY (?) AND attcollation <> 0 ORDER BY attnum")) {
      ps.setLong(1, oid);
      Array names = target.createArrayOf("text", d.key().columns().toArray());
      ps.setArray(2, names);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new IllegalStateException("cannot roll back " + d + " by its range: key column " + rs.getString(1)
              + " is ordered by a collation, and the target column's may differ from the source's (the same bounds may"
              + " select other rows); roll back the tenant's table as a whole");
        }
      }
    }
  }
}
