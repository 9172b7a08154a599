package io.ferry.worker.postgres;

import io.ferry.worker.dialect.KeyDeletion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A repair's {@code DELETE} by key on a PostgreSQL target: {@code DELETE FROM t WHERE tenant = ? AND k1 = CAST(? AS
 * type1) …}, one batch of one execution per key. Each key value is the target's own {@code ::text} of it, so the
 * cast reads it back as the very value the row holds (whatever the type, collation or time zone).
 */
final class PostgresKeyDeletion {

  private PostgresKeyDeletion() {
  }

  static String sql(KeyDeletion d) {
    List<String> terms = new ArrayList<>();
    if (d.tenantColumn() != null) {
      terms.add(PgSql.ident(d.tenantColumn()) + " = ?");
    }
    for (int i = 0; i < d.columns().size(); i++) {
      terms.add(PgSql.ident(d.columns().get(i)) + " = CAST(? AS " + d.types().get(i) + ")");
    }
    return "DELETE FROM " + PgSql.table(d.table()) + " WHERE " + String.join(" AND ", terms);
  }

  static long delete(Connection target, KeyDeletion d) throws SQLException {
    if (d.keys().isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps = target.prepareStatement(sql(d))) {
      for (List<String> key : d.keys()) {
        int p = 1;
        if (d.tenantColumn() != null) {
          ps.setString(p++, d.tenantId());
        }
        for (String value : key) {
          ps.setString(p++, value);
        }
        ps.addBatch();
      }
      long deleted = 0;
      for (long n : ps.executeLargeBatch()) {
        deleted += Math.max(0, n);
      }
      return deleted;
    }
  }
}
