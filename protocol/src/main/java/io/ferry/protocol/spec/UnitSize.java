package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Target size of one copy unit: a unit ends at whichever of the two is reached first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnitSize(Long rows, Long bytes) {

  public static final long DEFAULT_ROWS = 250_000;
  public static final long DEFAULT_BYTES = 64L * 1024 * 1024;
  public static final UnitSize DEFAULT = new UnitSize(DEFAULT_ROWS, DEFAULT_BYTES);

  public UnitSize withDefaults() {
    return new UnitSize(rows == null ? DEFAULT_ROWS : rows, bytes == null ? DEFAULT_BYTES : bytes);
  }
}
