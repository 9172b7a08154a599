package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.RowDeletion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollback's {@code DELETE} on a SQL Server target: {@code DELETE FROM t WHERE tenant = ? [AND range]}.
 * The range is {@link SqlServerRange}'s predicate, the one the copy read its rows with, over the key
 * columns the target carries with the source's types and collations, so the same bounds select the same
 * rows; the NULL-key range tests for NULL only. The tenant and every bound are parameters.
 */
final class SqlServerRowDeletion {

  private SqlServerRowDeletion() {
  }

  /** The statement and its range, for a table that exists. */
  record Statement(String sql, SqlServerRange range) {
  }

  static Statement statement(RowDeletion d) {
    List<String> terms = new ArrayList<>();
    if (d.tenantColumn() != null) {
      terms.add(SqlServerSql.ident(d.tenantColumn()) + " = ?");
    }
    SqlServerRange range = null;
    if (d.range() != null && !d.range().isAll()) {
      range = SqlServerRange.of(d.key(), d.range(), null);
      if (!range.sql().isEmpty()) {
        terms.add(range.sql());
      }
    }
    return new Statement("DELETE FROM " + SqlServerSql.table(d.table()) + (terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms)),
        range);
  }

  static long delete(Connection target, RowDeletion d) throws SQLException {
    if (!SqlServerExistingTables.exists(target, d.table())) {
      return 0; // never created (its prepare did not run): no row of it was copied
    }
    Statement statement = statement(d);
    try (PreparedStatement ps = target.prepareStatement(statement.sql())) {
      int p = 1;
      if (d.tenantColumn() != null) {
        ps.setNString(p++, d.tenantId());
      }
      if (statement.range() != null) {
        for (int i = 0; i < statement.range().params().size(); i++) {
          SqlServerKeyText.bind(ps, p++, statement.range().params().get(i), statement.range().types().get(i));
        }
      }
      return ps.executeLargeUpdate();
    }
  }
}
