package io.ferry.worker.postgres;

import io.ferry.worker.verify.Canonical;
import io.ferry.worker.verify.Digest;
import io.ferry.worker.verify.VerifyRead;
import io.ferry.worker.verify.VerifySide;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's part in a verify unit. Between two PostgreSQL databases the digest is computed by the
 * server: {@code count(*)} and the sum of a 64-bit hash of each row's typed values ({@link PostgresRowHash}),
 * so no row leaves the database. Text forms (of the columns hashed as text, and of every value a leaf
 * streams) depend on session settings, so every read runs in a transaction that pins them
 * ({@code SET LOCAL}); it is {@code REPEATABLE READ READ ONLY}, so the digest and the bisection after it see
 * one snapshot.
 */
public final class PostgresVerify implements VerifySide {

  /** The settings that change how values print, as the source's key text is printed (see {@code PostgresSource}). */
  private static final String[] SETTINGS = {"SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL IntervalStyle = 'postgres'",
      "SET LOCAL TimeZone = 'UTC'", "SET LOCAL extra_float_digits = 1", "SET LOCAL bytea_output = 'hex'",
      "SET LOCAL standard_conforming_strings = on", "SET LOCAL lc_monetary = 'C'"};

  /** Each value as the server prints it ({@code ::text}), under the pinned settings. */
  @Override
  public Canonical sameEngine(String type) {
    return Canonical.TEXT;
  }

  @Override
  public void begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    // One round trip: a unit whose range is compared clean at once makes only a few more.
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; " + String.join("; ", SETTINGS));
    }
  }

  @Override
  public void end(Connection c) throws SQLException {
    c.rollback();
  }

  @Override
  public Digest digest(Connection c, VerifyRead read) throws SQLException {
    if (!read.sameEngine()) {
      return VerifySide.super.digest(c, read);
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(checksumSelect(read.columns(), read.types())
        + " FROM " + from(read) + where(read))) {
      rs.next();
      return new Digest(rs.getLong(1), rs.getString(2));
    }
  }

  /**
   * {@code SELECT count(*), <sum of row hashes>::text}: the row hash of {@link PostgresRowHash}, summed as
   * {@code numeric} (an exact sum, which PostgreSQL accumulates in 128 bits), so it cannot overflow.
   *
   * @param types the columns' target types, in the same order
   */
  public static String checksumSelect(List<String> columns, List<String> types) {
    return "SELECT count(*), coalesce(sum(" + PostgresRowHash.of(columns, types) + "), 0)::text";
  }

  @Override
  public void rows(Connection c, VerifyRead read, RowSink sink) throws SQLException {
    List<String> select = new ArrayList<>();
    for (int i = 0; i < read.columns().size(); i++) {
      String col = PgSql.ident(read.columns().get(i));
      select.add(read.canonical().get(i) == Canonical.TEXT ? col + "::text" : col);
    }
    String sql = "SELECT " + String.join(", ", select) + " FROM " + from(read) + where(read)
        + (read.key() != null ? " ORDER BY " + PostgresRange.orderBy(read.key(), "v") : "");
    try (Statement st = c.createStatement()) {
      st.setFetchSize(VerifySide.FETCH);
      try (ResultSet rs = st.executeQuery(sql)) {
        VerifySide.stream(rs, read, sink);
      }
    }
  }

  @Override
  public List<List<String>> splitPoints(Connection c, VerifyRead read, long every) throws SQLException {
    String keys = PostgresRange.orderBy(read.key(), "v");
    String sql = "SELECT " + PostgresRange.keyText(read.key()) + " FROM (SELECT " + keys + ", row_number() OVER (ORDER BY "
        + keys + ") AS ferry_n FROM " + from(read) + where(read) + ") s WHERE ferry_n % " + every + " = 0 ORDER BY ferry_n";
    List<List<String>> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      int n = read.key().columns().size();
      while (rs.next()) {
        List<String> point = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          point.add(rs.getString(i));
        }
        out.add(point);
      }
    }
    return out;
  }

  private static String from(VerifyRead read) {
    return (read.ownRows() ? PgSql.ownRows(read.table()) : PgSql.table(read.table())) + " v";
  }

  private static String where(VerifyRead read) {
    List<String> terms = new ArrayList<>();
    if (read.tenantColumn() != null) {
      terms.add(PgSql.ident(read.tenantColumn()) + " = " + PgSql.literal(read.tenantId()));
    }
    if (read.key() != null) {
      String range = PostgresRange.predicate(read.key(), read.range(), null);
      if (!range.isEmpty()) {
        terms.add(range);
      }
    }
    return terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms);
  }
}
