package io.ferry.protocol.spec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Password references. A spec may hold {@code ${env:NAME}} or {@code ${file:/path}}; the process that
 * connects resolves it, so the secret itself never travels through the cluster, a map or a response.
 */
public final class Secret {

  public static final String REDACTED = "********";
  private static final Pattern REFERENCE = Pattern.compile("^\\$\\{(env|file):(.+)}$");

  private Secret() {
  }

  public static boolean isReference(String value) {
    return value != null && REFERENCE.matcher(value).matches();
  }

  /** A literal password becomes {@link #REDACTED}; a reference is kept, it is not a secret. */
  public static String redact(String value) {
    if (value == null || value.isEmpty() || isReference(value)) {
      return value;
    }
    return REDACTED;
  }

  public static String resolve(String value) {
    return resolve(value, System.getenv());
  }

  /** @throws IllegalArgumentException naming the reference (never its value) when it cannot be read */
  public static String resolve(String value, Map<String, String> env) {
    if (value == null) {
      return null;
    }
    Matcher m = REFERENCE.matcher(value);
    if (!m.matches()) {
      return value;
    }
    String kind = m.group(1);
    String name = m.group(2);
    if (kind.equals("env")) {
      String v = env.get(name);
      if (v == null) {
        throw new IllegalArgumentException("environment variable " + name + " is not set in this process");
      }
      return v;
    }
    Path file = Path.of(name);
    try {
      return Files.readString(file).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("password file " + name + " does not exist on this machine");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("password file " + name + " is not readable by this process (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException("password file " + name
          + (Files.isDirectory(file) ? " is a directory" : " cannot be read (" + plain(e) + ")"));
    }
  }

  /** The operating system's reason, without the Java exception's name. */
  private static String plain(IOException e) {
    return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : "an I/O error";
  }
}
