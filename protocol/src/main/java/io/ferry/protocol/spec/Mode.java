package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What to do with target tables. */
public enum Mode {
  /** Create every target table; refuse the job if one already exists. */
  CREATE,
  /** Drop existing target tables and create them again. */
  DROP_RECREATE,
  /** Keep existing target tables but empty them first (create the missing ones). */
  TRUNCATE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Mode fromWire(String value) {
    for (Mode m : values()) {
      if (m.wireName().equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + value + "'; expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(Mode::wireName).collect(Collectors.joining(", "));
  }
}
