package io.ferry.coordinator.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a job is in its life. Used today: {@code running}, {@code paused}, {@code verifying}, {@code succeeded},
 * {@code failed} and {@code cancelled}; {@link JobTransitions} says which changes are allowed, {@code JobControl} which requests make them.
 */
public enum JobState {
  PENDING,
  RUNNING,
  /** Not handing out units (on request); also the state of a job whose literal passwords were lost in a coordinator restart. */
  PAUSED,
  /** Copied (or, in mode verify, nothing to copy); its verify units compare source and target. */
  VERIFYING,
  SUCCEEDED,
  FAILED,
  /** On request; also a job whose units left are all in cancelled tenants or tables ({@link ScopeState}), or wait on them. */
  CANCELLED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static JobState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
