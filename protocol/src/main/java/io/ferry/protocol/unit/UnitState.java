package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum UnitState {
  /** Waiting for its dependencies (a copy waits for its table's prepare). */
  BLOCKED,
  /** Ready to be claimed. */
  PENDING,
  /** Claimed by a worker under a lease. */
  LEASED,
  DONE,
  /** Failed after its retry budget; {@code POST /retry} puts it back. */
  FAILED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static UnitState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
