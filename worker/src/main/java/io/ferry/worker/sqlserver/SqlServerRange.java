package io.ferry.worker.sqlserver;

import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.SplitKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE clause of a keyset range read, with its parameters. Ranges are {@code [lower, upper)} and a
 * resumed read starts strictly after its last key, as for every source (see {@code PostgresRange}).
 * T-SQL has no row-value comparison, so a composite key's {@code (a, b) > (x, y)} is written out as
 * {@code a > x OR (a = x AND b > y)}: the same lexicographic order {@code ORDER BY a, b} follows. Every
 * bound is a parameter of the key column's own type (see {@link SqlServerKeyText}).
 *
 * @param sql    the predicate without {@code WHERE}, empty when the range has no bound
 * @param params the bound values as text, with the type of each, in placeholder order
 */
record SqlServerRange(String sql, List<String> params, List<String> types) {

  static SqlServerRange of(SplitKey key, KeyRange range, List<String> resumeAfter) {
    KeyRange r = range == null ? KeyRange.ALL : range;
    List<String> cols = key.columns().stream().map(SqlServerSql::ident).toList();
    if (r.nullKeys()) {
      return new SqlServerRange("(" + String.join(" OR ", cols.stream().map(c -> c + " IS NULL").toList()) + ")",
          List.of(), List.of());
    }
    List<String> terms = new ArrayList<>();
    List<String> params = new ArrayList<>();
    List<String> types = new ArrayList<>();
    if (key.nullable()) {
      cols.forEach(c -> terms.add(c + " IS NOT NULL"));
    }
    if (resumeAfter != null) {
      terms.add(compare(key, ">", resumeAfter, params, types));
    } else if (r.lower() != null) {
      terms.add(compare(key, ">=", r.lower(), params, types));
    }
    if (r.upper() != null) {
      terms.add(compare(key, "<", r.upper(), params, types));
    }
    return new SqlServerRange(String.join(" AND ", terms), List.copyOf(params), List.copyOf(types));
  }

  /** {@code (k1 op v1)} for one column; for more, the lexicographic expansion, the last column taking {@code op}. */
  private static String compare(SplitKey key, String operator, List<String> bound, List<String> params,
      List<String> types) {
    int n = key.columns().size();
    if (bound.size() != n) {
      throw new IllegalArgumentException("bound " + bound + " has " + bound.size() + " values; the key " + key.columns()
          + " has " + n);
    }
    String strict = operator.substring(0, 1);
    List<String> alternatives = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> and = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        and.add(term(key, j, "=", bound.get(j), params, types));
      }
      and.add(term(key, i, i == n - 1 ? operator : strict, bound.get(i), params, types));
      alternatives.add(and.size() == 1 ? and.get(0) : "(" + String.join(" AND ", and) + ")");
    }
    return alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join(" OR ", alternatives) + ")";
  }

  private static String term(SplitKey key, int i, String operator, String value, List<String> params,
      List<String> types) {
    if (value == null) {
      throw new IllegalArgumentException("a key bound cannot be NULL");
    }
    String type = key.types().get(i);
    params.add(value);
    types.add(type);
    return SqlServerSql.ident(key.columns().get(i)) + " " + operator + " " + SqlServerKeyText.placeholder(type);
  }
}
