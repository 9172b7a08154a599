package io.ferry.worker.unit;

import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.Failures;
import java.sql.SQLException;
import java.util.List;

/** How a copy unit signals and names rows the target rejects (see {@link CopyUnit}). */
final class RowErrors {

  private RowErrors() {
  }

  /** The target refused the open chunk for its data; {@code suspects}: how many of its rows it may have received. */
  static final class ChunkRejected extends RuntimeException {
    final SQLException error;
    final long suspects;

    ChunkRejected(SQLException error, long suspects) {
      super(error.getMessage(), error, false, false);
      this.error = error;
      this.suspects = suspects;
    }
  }

  /**
   * A rejected row ends the unit ({@code onRowError: fail}, or a unit without a key order to isolate it
   * by). Not retryable, as its cause says: the row would be rejected again.
   */
  static final class RowFailure extends RuntimeException {
    RowFailure(String message, SQLException cause) {
      super(message, cause);
    }
  }

  /**
   * Throws {@link ChunkRejected} for a row error of a chunk that sent rows (the chunk is then searched for
   * the bad row); returns any other error, for the caller to throw as it is.
   */
  static SQLException rejectedOr(SQLException e, long suspects) {
    if (suspects > 0 && Failures.rowError(e)) {
      throw new ChunkRejected(e, suspects);
    }
    return e;
  }

  /** {@code (a, b)=(1, x)}, as PostgreSQL names keys in its messages. */
  static String keyText(List<String> columns, List<String> values) {
    List<String> shown = values.stream().map(v -> v == null ? "NULL" : v).toList();
    return "(" + String.join(", ", columns) + ")=(" + String.join(", ", shown) + ")";
  }

  /** A unit whose rows have no order to resume in cannot search its chunk for the bad row. */
  static RowFailure unordered(KeyRange range, SQLException error) {
    String why = range.nullKeys() ? "it holds the rows whose key has a NULL column, which have no order to resume in"
        : "its table has no key to order the rows by";
    return new RowFailure("the target rejected a row, and this unit cannot isolate it: " + why + ", so it is one chunk"
        + " and fails whatever onRowError says: " + Failures.message(error), error);
  }
}
