package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a work unit does. */
public enum UnitKind {
  /** Introspect a table (today: run synchronously as the job's preflight, see docs/architecture.md). */
  SURVEY,
  /** Create target objects for one target table. */
  PREPARE,
  /** Copy one key range of one tenant's table. */
  COPY,
  /** Per table once all its ranges are done: primary key, indexes, sequences, ANALYZE; per job: foreign keys. */
  FINISH,
  /** Count + checksum of one key range on source and target. */
  VERIFY,
  /**
   * Deletes the target rows of copy units and resets their checkpoints, in one target transaction, so
   * they can be copied again ({@code POST /api/v1/jobs/{id}/rollback}).
   */
  ROLLBACK,
  /**
   * Re-copies the keys a verify unit found differing in its range (or the whole range, when they were only
   * counted), in one target transaction, so the verify unit can compare it again
   * ({@code POST /api/v1/jobs/{id}/repair}).
   */
  REPAIR,
  /**
   * Puts back the constraints its job recorded as dropped ({@code ferry.dropped_constraints}) once the
   * job is cancelled and none of its units runs any more.
   */
  RESTORE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static UnitKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
