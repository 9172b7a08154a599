package io.ferry.worker.postgres;

import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.SplitKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of a copy unit's range over its key: the WHERE clause, the ORDER BY, and the key columns as
 * text (appended to the select list so the last row's key can be checkpointed without decoding values).
 *
 * <p><b>Bounds are literals.</b> COPY takes no bind parameters, so each bound value is written into the
 * statement as {@code '<text>'::<key type>}: the value exactly as the source printed it ({@code col::text}),
 * read back by the same type's input function. Only single quotes need doubling, because the source
 * session sets {@code standard_conforming_strings = on} (backslashes are then ordinary characters), and a
 * NUL character is refused (no PostgreSQL text can hold one, so it can only be a forged bound). The cast
 * gives the literal the column's type and, having no collation of its own, the column's collation: the
 * comparison happens in the source's ordering, never in Java's.
 *
 * <p><b>Composite keys compare as rows.</b> {@code (a, b) >= (x, y)} is the lexicographic order that
 * {@code ORDER BY a, b} follows and that a btree index on {@code (a, b)} can search; writing it as
 * {@code a > x OR (a = x AND b >= y)} would mean the same but hide the range from the planner.
 *
 * <p><b>Ranges are {@code [lower, upper)}</b>: adjacent units share a bound without sharing a row. A
 * resumed unit starts strictly after its checkpoint's last key ({@code (a, b) > (last…)}) instead of at
 * its lower bound: every row up to and including that key was committed with the checkpoint, and the
 * key is unique, so nothing between is skipped.
 *
 * <p><b>NULL keys.</b> A unique index may have nullable columns, and a row comparison with a NULL member
 * is not always NULL: it is decided by the first pair of members that differ, so
 * {@code (2, NULL) >= (1, 'x')} is <em>true</em> (2 > 1 decides before NULL is reached), while
 * {@code (1, NULL) >= (1, 'x')} is NULL. Some rows with a NULL key column would therefore fall into an
 * ordinary range and others into none. So every ordinary range of a nullable key requires each key column
 * to be NOT NULL, and the rows with any NULL key column form one range of their own
 * ({@link KeyRange#NULL_KEYS}), read in full as one chunk: those rows have no order to resume in.
 *
 * <p><b>ctid.</b> For tables without a key the ranges are over the row's physical address, bounds at
 * block starts: {@code ctid >= '(b,0)'::tid AND ctid < '(c,0)'::tid}, which PostgreSQL 14+ executes as a
 * TID range scan (reading only those blocks). Rows are sorted by {@code ctid} so a resume after
 * {@code 'last'::tid} is exact. An update moves a row to a new address, so these ranges hold only while
 * the table is not written during the copy.
 */
public final class PostgresRange {

  private PostgresRange() {
  }

  /** The predicate without {@code WHERE}, or an empty string when the range has no bound at all. */
  public static String predicate(SplitKey key, KeyRange range, List<String> resumeAfter) {
    KeyRange r = range == null ? KeyRange.ALL : range;
    if (r.nullKeys()) {
      if (!key.nullable()) {
        throw new IllegalArgumentException("a NULL-key range over key " + key.columns() + ", which cannot be NULL");
      }
      return "(" + columns(key).stream().map(c -> c + " IS NULL").collect(Collectors.joining(" OR ")) + ")";
    }
    List<String> terms = new ArrayList<>();
    if (key.nullable()) {
      columns(key).forEach(c -> terms.add(c + " IS NOT NULL"));
    }
    if (resumeAfter != null) {
      terms.add(compare(key, ">", resumeAfter, "resume key"));
    } else if (r.lower() != null) {
      terms.add(compare(key, ">=", r.lower(), "lower bound"));
    }
    if (r.upper() != null) {
      terms.add(compare(key, "<", r.upper(), "upper bound"));
    }
    return String.join(" AND ", terms);
  }

  /**
   * The key columns in key order, for {@code ORDER BY}, qualified by the table's alias in the query.
   * Qualified because an unqualified name in {@code ORDER BY} is matched against the select list's
   * output names first: {@code "id"::text} is also named {@code id} (ambiguous), and {@code ctid::text}
   * is the only output named {@code ctid}, so {@code ORDER BY ctid} would sort by text, where
   * {@code '(10,1)'} comes before {@code '(2,1)'}.
   */
  public static String orderBy(SplitKey key, String alias) {
    return columns(key).stream().map(c -> alias + "." + c).collect(Collectors.joining(", "));
  }

  /** The key columns as text, for the select list ({@code "a"::text, "b"::text}). */
  public static String keyText(SplitKey key) {
    return columns(key).stream().map(c -> c + "::text").collect(Collectors.joining(", "));
  }

  /** {@code '<value>'::<type>}, the value's quotes doubled (the source session has standard_conforming_strings on). */
  static String literal(String value, String type) {
    if (value == null) {
      throw new IllegalArgumentException("a key bound cannot be NULL");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("key value contains a NUL character, which no PostgreSQL text can hold");
    }
    return "'" + value.replace("'", "''") + "'::" + type;
  }

  private static String compare(SplitKey key, String operator, List<String> bound, String what) {
    int n = key.columns().size();
    if (bound.size() != n) {
      throw new IllegalArgumentException(what + " " + bound + " has " + bound.size() + " value" + (bound.size() == 1 ? "" : "s")
          + "; the key " + key.columns() + " has " + n + " column" + (n == 1 ? "" : "s"));
    }
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(literal(bound.get(i), key.types().get(i)));
    }
    List<String> cols = columns(key);
    if (n == 1) {
      return cols.get(0) + " " + operator + " " + values.get(0);
    }
    return "(" + String.join(", ", cols) + ") " + operator + " (" + String.join(", ", values) + ")";
  }

  /** Quoted column names; the system column {@code ctid} as it is. */
  private static List<String> columns(SplitKey key) {
    return key.isCtid() ? List.of(SplitKey.CTID) : key.columns().stream().map(PgSql::ident).toList();
  }
}
