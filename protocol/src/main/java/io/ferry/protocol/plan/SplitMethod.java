package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a table is cut into copy units. */
public enum SplitMethod {
  /** Ranges over a single integer key column, split points from the key's distribution. */
  INTEGER_KEY,
  /** The whole table in one unit (keys Ferry cannot split yet, tables without a key). */
  SINGLE_UNIT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static SplitMethod fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
