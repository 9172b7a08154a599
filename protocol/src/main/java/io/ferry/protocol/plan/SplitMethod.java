package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a table is cut into copy units. */
public enum SplitMethod {
  /** Ranges over the primary key (single or composite, any orderable type), in the source's ordering. */
  PRIMARY_KEY,
  /** Ranges over a unique index's columns (no primary key); rows with a NULL key column get their own unit. */
  UNIQUE_INDEX,
  /** No key: ranges of physical blocks ({@code ctid}), read in one snapshot per unit. */
  CTID,
  /** The whole table in one unit. */
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
