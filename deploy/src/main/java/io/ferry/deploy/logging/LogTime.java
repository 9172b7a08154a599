package io.ferry.deploy.logging;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The time of a log line in both formats: date, time to the millisecond and the zone's offset ({@code Z} for UTC). */
final class LogTime {

  /** Logback's pattern for it ({@code %d{…}} in logback.xml); {@link #FORMAT} is the same for java.time. */
  static final String PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern(PATTERN);

  private LogTime() {
  }

  static String format(Instant instant, ZoneId zone) {
    return FORMAT.format(instant.atZone(zone));
  }
}
