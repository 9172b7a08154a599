package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How much of a job's copy is compared, source against target, once it is done (docs/verification.md). */
public enum Verify {
  FULL("every copied key range"),
  SAMPLE("at least one key range per tenant and table, about 1 in 10 otherwise"),
  NONE("nothing: the job succeeds once copied");

  private final String description;

  Verify(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Verify fromWire(String value) {
    for (Verify v : values()) {
      if (v.wireName().equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown verify '" + value + "'; expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(v -> v.wireName() + " (" + v.description + ")").collect(Collectors.joining(", "));
  }
}
