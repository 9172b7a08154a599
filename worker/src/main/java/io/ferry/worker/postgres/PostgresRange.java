package io.ferry.worker.postgres;

import io.ferry.protocol.unit.KeyRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE clause of a copy unit over an integer key. COPY takes no bind parameters, so bounds are
 * written into the SQL text; each is parsed as a long first and printed back, so nothing but an
 * integer can reach the statement.
 *
 * <p>Ranges are {@code [lower, upper)}: adjacent units share a bound without sharing a row. A resumed
 * unit starts strictly after its checkpoint's last key instead of at its lower bound: every row up to
 * and including that key was committed with the checkpoint. The key is a primary key, so it has no
 * NULLs and no NULL range is needed.
 */
public final class PostgresRange {

  private PostgresRange() {
  }

  /** The predicate without {@code WHERE}, or an empty string when the range is unbounded on both ends. */
  public static String predicate(String keyColumn, KeyRange range, String resumeAfter) {
    List<String> terms = new ArrayList<>(2);
    String key = PgSql.ident(keyColumn);
    if (resumeAfter != null) {
      terms.add(key + " > " + integer(keyColumn, resumeAfter));
    } else if (range != null && range.lower() != null) {
      terms.add(key + " >= " + integer(keyColumn, single(keyColumn, range.lower())));
    }
    if (range != null && range.upper() != null) {
      terms.add(key + " < " + integer(keyColumn, single(keyColumn, range.upper())));
    }
    return String.join(" AND ", terms);
  }

  private static String single(String keyColumn, List<String> bound) {
    if (bound.size() != 1) {
      throw new IllegalArgumentException("range bound " + bound + " has " + bound.size()
          + " values; the key " + keyColumn + " has one column");
    }
    return bound.get(0);
  }

  private static String integer(String keyColumn, String value) {
    try {
      return Long.toString(Long.parseLong(value == null ? "" : value.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("range bound '" + value + "' of integer key " + keyColumn + " is not an integer");
    }
  }
}
