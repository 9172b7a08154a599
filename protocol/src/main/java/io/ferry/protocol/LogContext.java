package io.ferry.protocol;

import io.ferry.protocol.unit.WorkUnit;
import org.slf4j.MDC;

/**
 * The job, unit and tenant a thread works for, in the SLF4J MDC under {@link #JOB}, {@link #UNIT} and
 * {@link #TENANT}: every log line written meanwhile carries them (the JSON log format has a field for
 * each), so a log pipeline can follow one job across the coordinator and its workers.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.of(unit.jobId(), unit.id(), unit.slice().tenantId())) { … }
 * }</pre>
 *
 * Closing puts back what the thread had before, so contexts nest (a job's request handling a unit).
 */
public final class LogContext implements AutoCloseable {

  public static final String JOB = "job";
  public static final String UNIT = "unit";
  public static final String TENANT = "tenant";

  private static final String[] KEYS = {JOB, UNIT, TENANT};

  private final String[] previous = new String[KEYS.length];

  private LogContext(String... values) {
    for (int i = 0; i < KEYS.length; i++) {
      previous[i] = MDC.get(KEYS[i]);
      put(KEYS[i], values[i]);
    }
  }

  /** Any value may be null: that key is then absent while the context is open. */
  public static LogContext of(String job, String unit, String tenant) {
    return new LogContext(job, unit, tenant);
  }

  /** The context of the work on {@code unit}: its job, id and tenant. */
  public static LogContext of(WorkUnit unit) {
    return new LogContext(unit.jobId(), unit.id(), unit.slice() == null ? null : unit.slice().tenantId());
  }

  /** A job's context, without unit or tenant. */
  public static LogContext job(String job) {
    return new LogContext(job, null, null);
  }

  @Override
  public void close() {
    for (int i = 0; i < KEYS.length; i++) {
      put(KEYS[i], previous[i]);
    }
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
