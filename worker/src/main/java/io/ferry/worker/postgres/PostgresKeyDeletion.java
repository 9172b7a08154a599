package io.ferry.worker.postgres;

import io.ferry.worker.dialect.KeyDeletion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A repair's {@code DELETE} by key on a PostgreSQL target: {@code DELETE FROM t WHERE tenant = ? AND k1 = CAST(? AS
 * type1) …}, one batch of one execution per key. Each key value is the target's own {@code ::text} of it, so the
 * cast reads it back as the very value the row holds (whatever the type, collation or time zone).
 */
final class PostgresKeyDeletion {

  /** Every value as text: the statement's casts read each key value as its column's type. */
  private static final KeyDeletion.Binding TEXT = (ps, index, value, type) -> ps.setString(index, value);

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
    return d.execute(target, sql(d), TEXT, TEXT);
  }
}
