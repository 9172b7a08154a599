package io.ferry.worker;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Errors classified once, at the boundary. Retryable failures come from a connection or a server
 * state that may pass; anything else (bad SQL, bad data, missing objects) fails the unit.
 */
public final class Failures {

  /**
   * SQLSTATE classes worth retrying: 08 connection exception, 40 transaction rollback (serialization
   * failure, deadlock), 53 insufficient resources, 57 operator intervention (admin shutdown, cancel).
   */
  private static final Set<String> RETRYABLE_CLASSES = Set.of("08", "40", "53", "57");
  /** 55P03 lock not available: a lock_timeout ran out while another transaction held the lock. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  /**
   * SQLSTATEs that blame the rows being written, not the connection or the statement: class 22 data
   * exception (a value out of range, too long, invalid text), class 23 integrity constraint violation
   * (NOT NULL, CHECK, unique, foreign key), and 54000 program limit exceeded (a row or index entry too big).
   */
  private static final Set<String> ROW_CLASSES = Set.of("22", "23");
  private static final String ROW_TOO_BIG = "54000";
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");

  private Failures() {
  }

  public static boolean retryable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
          && (RETRYABLE_CLASSES.contains(sql.getSQLState().substring(0, 2)) || LOCK_NOT_AVAILABLE.equals(sql.getSQLState()))) {
        return true;
      }
      if (t instanceof IOException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * The error blames the data of the rows just written: a copy isolates the offending row instead of
   * failing or retrying the whole chunk (a retry would fail the same way).
   */
  public static boolean rowError(Throwable error) {
    String state = sqlState(error);
    return state != null && (state.equals(ROW_TOO_BIG) || (state.length() >= 2 && ROW_CLASSES.contains(state.substring(0, 2))));
  }

  /** The SQLSTATE of the first SQL exception in the cause chain; null when there is none. */
  public static String sqlState(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** The database's (or the exception's) message on one line, without any password. */
  public static String message(Throwable error, String... secrets) {
    String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    text = text.replaceAll("\\s*\\R\\s*", " ").strip();
    for (String secret : secrets) {
      // Very short values would blank out ordinary words; database messages do not echo passwords anyway.
      if (secret != null && secret.length() >= 4) {
        text = text.replace(secret, io.ferry.protocol.spec.Secret.REDACTED);
      }
    }
    return redactUrl(text);
  }

  /** Hides a {@code password=} parameter a user may have put into a JDBC URL. */
  public static String redactUrl(String text) {
    return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1" + io.ferry.protocol.spec.Secret.REDACTED);
  }
}
