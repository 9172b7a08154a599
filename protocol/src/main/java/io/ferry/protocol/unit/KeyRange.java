package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code [lower, upper)} over a table's ordered key, in the source's ordering. Each bound is the list of
 * key column values as text (one per key column, cast to the column's type in SQL); {@code null} is an
 * open end, so rows beyond the surveyed bounds still belong to the first or last range.
 * {@link #ALL} is the whole table (used for tables copied as a single unit).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyRange(List<String> lower, List<String> upper) {

  public static final KeyRange ALL = new KeyRange(null, null);

  public boolean isAll() {
    return lower == null && upper == null;
  }

  @Override
  public String toString() {
    return "[" + (lower == null ? "-inf" : String.join(",", lower)) + ", "
        + (upper == null ? "+inf" : String.join(",", upper)) + ")";
  }
}
