package io.ferry.worker.postgres;

import io.ferry.worker.dialect.RangeRead;

/**
 * The source statement of a table that travels as text COPY: the same rows, in the same order, as the
 * binary statement ({@link PostgresSource#copySql}), followed on every line by the key column(s) as
 * text, which {@code TextCopyParser} reads into the checkpoint and drops before the line is written.
 *
 * <p>The key is appended rather than located among the copied fields so that the parser does not need to
 * know where the key sits (or how the tenant column shifts it), and so that every key column type gets
 * its own text form, the one range bounds are written in.
 */
public final class PostgresTextCopy {

  private PostgresTextCopy() {
  }

  /** {@code COPY (SELECT [tenant,] columns…, key::text FROM … WHERE … ORDER BY key) TO STDOUT}. */
  public static String copySql(RangeRead read) {
    StringBuilder sql = new StringBuilder("COPY (SELECT ");
    if (read.tenantId() != null) {
      sql.append(PgSql.literal(read.tenantId())).append("::text");
      if (!read.columns().isEmpty()) {
        sql.append(", ");
      }
    }
    sql.append(PgSql.idents(read.columns()));
    if (read.keyColumn() != null) {
      sql.append(", ").append(PgSql.ident(read.keyColumn())).append("::text");
    }
    sql.append(" FROM ").append(PgSql.table(read.table()));
    if (read.keyColumn() != null) {
      String where = PostgresRange.predicate(read.keyColumn(), read.range(), read.resumeAfter());
      if (!where.isEmpty()) {
        sql.append(" WHERE ").append(where);
      }
      // Qualified: the appended key makes a second output column of the same name, and an unqualified
      // ORDER BY name would refer to the output columns and be ambiguous.
      sql.append(" ORDER BY ").append(PgSql.table(read.table())).append('.').append(PgSql.ident(read.keyColumn()));
    }
    return sql.append(") TO STDOUT").toString();
  }

  /** How many trailing key fields {@link #copySql} puts on each line. */
  public static int keyFields(RangeRead read) {
    return read.keyColumn() == null ? 0 : 1;
  }
}
