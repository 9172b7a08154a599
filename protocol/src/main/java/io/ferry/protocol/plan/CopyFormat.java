package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a table's rows travel from source to target. */
public enum CopyFormat {
  /** Binary COPY passthrough: bytes in, bytes out, no decoding. The default. */
  BINARY,
  /**
   * Text COPY, for tables with a column whose binary form names type OIDs that differ between databases
   * (arrays and composites of user-defined types).
   */
  TEXT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static CopyFormat fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
