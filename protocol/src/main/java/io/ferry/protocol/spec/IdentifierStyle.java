package io.ferry.protocol.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How source identifiers (schemas, tables, columns, constraints, indexes) are named on the target
 * ({@code target.identifiers}). The rules are pure functions of one name, so a reference (a foreign key's
 * columns, an index's columns) is renamed the same way as what it refers to.
 */
public enum IdentifierStyle {
  /** The name as the source catalog holds it. */
  PRESERVE,
  /** The name in lower case ({@link Locale#ROOT}). */
  LOWER,
  /**
   * Words in lower case joined by {@code _}: a word ends at any character that is not a letter or digit
   * (space, {@code _}, {@code -}, {@code .}, {@code $}, {@code #}…), before an upper-case letter that follows a
   * lower-case letter or a digit ({@code OrderLines} → {@code order_lines}, {@code Line2Total} →
   * {@code line2_total}), and before the last upper-case letter of a run that a lower-case letter follows
   * ({@code HTTPStatus} → {@code http_status}, {@code CustomerID} → {@code customer_id}). A leading
   * {@code _} is kept; a name without any letter or digit is only lower-cased.
   */
  SNAKE_CASE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(IdentifierStyle::wireName).toList();
  }

  public static IdentifierStyle fromWire(String value) {
    for (IdentifierStyle s : values()) {
      if (s.wireName().equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("'" + value + "' is not an identifier style: use one of " + names());
  }

  /** The target name of one source identifier. */
  public String apply(String name) {
    return switch (this) {
      case PRESERVE -> name;
      case LOWER -> name.toLowerCase(Locale.ROOT);
      case SNAKE_CASE -> snake(name);
    };
  }

  private static String snake(String name) {
    int[] cps = name.codePoints().toArray();
    StringBuilder out = new StringBuilder(name.length() + 4);
    boolean pendingBreak = false;
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      if (!Character.isLetterOrDigit(c)) {
        pendingBreak = true;
        continue;
      }
      if (Character.isUpperCase(c) && i > 0) {
        int prev = cps[i - 1];
        boolean afterLowerOrDigit = Character.isLowerCase(prev) || Character.isDigit(prev);
        boolean endsAcronym = Character.isUpperCase(prev) && i + 1 < cps.length && Character.isLowerCase(cps[i + 1]);
        pendingBreak |= afterLowerOrDigit || endsAcronym;
      }
      if (pendingBreak && !out.isEmpty()) {
        out.append('_');
      }
      pendingBreak = false;
      out.appendCodePoint(Character.toLowerCase(c));
    }
    if (out.isEmpty()) {
      return name.toLowerCase(Locale.ROOT);
    }
    return name.startsWith("_") ? "_" + out : out.toString();
  }
}
