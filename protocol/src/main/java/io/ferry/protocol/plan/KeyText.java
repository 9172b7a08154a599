package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a key value's text is made canonical before it feeds a Ferry UUID ({@code target.keys: uuid}), so that
 * values the source's collation compares equal ({@code 'ABC '} and {@code 'abc'} under a case-insensitive
 * collation) give the same UUID. Chosen from the referenced key column's type and collation; the rules are
 * defined in {@code docs/sqlserver.md} ("The function") and implemented by the worker's {@code KeyCanon}.
 */
public enum KeyText {
  /** Not text: the value's text as it is. */
  EXACT,
  /** Case- and accent-sensitive (or binary) text: trailing spaces dropped. */
  CS_AS,
  /** Case-insensitive text: trailing spaces dropped, case folded. */
  CI_AS,
  /** Accent-insensitive text: trailing spaces dropped, accents stripped. */
  CS_AI,
  /** Case- and accent-insensitive text: trailing spaces dropped, accents stripped, case folded. */
  CI_AI;

  /** Whether trailing spaces are dropped (every text rule: SQL Server pads the shorter side with spaces). */
  public boolean trims() {
    return this != EXACT;
  }

  public boolean foldsCase() {
    return this == CI_AS || this == CI_AI;
  }

  public boolean stripsAccents() {
    return this == CS_AI || this == CI_AI;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static KeyText fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
