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
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");

  private Failures() {
  }

  public static boolean retryable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
          && RETRYABLE_CLASSES.contains(sql.getSQLState().substring(0, 2))) {
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
