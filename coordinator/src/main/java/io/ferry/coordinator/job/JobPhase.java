package io.ferry.coordinator.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The earliest step a job still has work in. Tables move through the steps independently (one table may
 * copy while another still prepares), so the phase names the laggard.
 */
public enum JobPhase {
  PREPARE,
  COPY,
  FINISH,
  /** Copied and finished; comparing source and target ranges. */
  VERIFY,
  DONE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static JobPhase fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
