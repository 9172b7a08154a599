package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.KeyDeletion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A repair's {@code DELETE} by key on a SQL Server target: {@code DELETE FROM t WHERE tenant = ? AND k1 = CAST(? AS
 * type1) …}, one batch of one execution per key, each value bound as a range bound is ({@link SqlServerKeyText}):
 * compared as the column's own type, in its collation.
 */
final class SqlServerKeyDeletion {

  private SqlServerKeyDeletion() {
  }

  static String sql(KeyDeletion d) {
    List<String> terms = new ArrayList<>();
    if (d.tenantColumn() != null) {
      terms.add(SqlServerSql.ident(d.tenantColumn()) + " = ?");
    }
    for (int i = 0; i < d.columns().size(); i++) {
      terms.add(SqlServerSql.ident(d.columns().get(i)) + " = " + SqlServerKeyText.placeholder(d.types().get(i)));
    }
    return "DELETE FROM " + SqlServerSql.table(d.table()) + " WHERE " + String.join(" AND ", terms);
  }

  static long delete(Connection target, KeyDeletion d) throws SQLException {
    return d.execute(target, sql(d), (ps, index, tenantId, type) -> ps.setNString(index, tenantId), SqlServerKeyText::bind);
  }
}
