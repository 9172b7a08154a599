package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What to do with target tables. */
public enum Mode {
  CREATE("create every target table, refuse the job if one already exists"),
  DROP_RECREATE("drop existing target tables and create them again"),
  TRUNCATE("keep existing target tables but empty them first, create the missing ones"),
  APPEND("insert into the target tables as they are, create the missing ones; a duplicate key fails, naming the key"),
  UPSERT("insert new rows and update existing ones by key (through a staging table per chunk); never deletes"),
  PRESERVE_SCHEMA("use the existing target tables as they are; every missing or incompatible column is reported first"),
  VERIFY("copy nothing: compare the existing target tables with the source (the tables must exist)");

  private final String description;

  Mode(String description) {
    this.description = description;
  }

  /** What the mode does, in a phrase (error messages list every mode with it). */
  public String description() {
    return description;
  }

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
