package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code [lower, upper)} over a table's ordered key, in the source's ordering. Each bound is the list of
 * key column values as text (one per key column, cast to the column's type in SQL); {@code null} is an
 * open end, so rows beyond the surveyed bounds still belong to the first or last range.
 * {@link #ALL} is the whole table (used for tables copied as a single unit).
 *
 * <p>{@code nullKeys}: the range of rows where some key column is NULL (only unique-index keys can be
 * NULL). Such rows are outside every ordinary range, which requires all key columns to be non-NULL.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record KeyRange(List<String> lower, List<String> upper, boolean nullKeys) {

  public static final KeyRange ALL = new KeyRange(null, null, false);
  public static final KeyRange NULL_KEYS = new KeyRange(null, null, true);

  public KeyRange(List<String> lower, List<String> upper) {
    this(lower, upper, false);
  }

  @JsonIgnore
  public boolean isAll() {
    return lower == null && upper == null && !nullKeys;
  }

  @Override
  public String toString() {
    if (nullKeys) {
      return "[NULL keys]";
    }
    return "[" + (lower == null ? "-inf" : String.join(",", lower)) + ", "
        + (upper == null ? "+inf" : String.join(",", upper)) + ")";
  }
}
