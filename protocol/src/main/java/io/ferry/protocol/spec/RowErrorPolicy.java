package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a copy unit does with a row the target rejects (a value out of range, a constraint violation…),
 * once the row has been isolated from the rows around it: the job's {@code onRowError}.
 */
public enum RowErrorPolicy {
  FAIL("fail the unit (and the job), naming the row's key and the database's message"),
  REJECT("record the row in the target's ferry.rejects (key, payload, error), count it, and go on");

  private final String description;

  RowErrorPolicy(String description) {
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
  public static RowErrorPolicy fromWire(String value) {
    for (RowErrorPolicy p : values()) {
      if (p.wireName().equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown onRowError '" + value + "'; expected one of " + names());
  }

  /** {@code fail (…), reject (…)}: every policy with what it does, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(p -> p.wireName() + " (" + p.description + ")").collect(Collectors.joining(", "));
  }
}
