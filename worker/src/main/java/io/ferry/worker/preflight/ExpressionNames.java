package io.ferry.worker.preflight;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renames the columns an SQL expression mentions (a CHECK constraint, a default, an index's filter or key
 * expression) to their target names. Identifiers are found by a small tokenizer that skips string
 * literals: {@code "quoted"} and {@code [bracketed]} identifiers match a column's exact name (a bracketed
 * one, being T-SQL, also a unique case-insensitive match); a bare word matches a column exactly or
 * case-insensitively when only one column does. A name is left alone where it cannot be a column: a type
 * ({@code ::name}), a function ({@code name(}), a qualifier ({@code name.x}), a qualified part
 * ({@code x.name}) or a literal's prefix ({@code N'…'}).
 *
 * <p>Text the tokenizer cannot read with certainty (comments, dollar quoting, an unterminated quote) is
 * not rewritten at all: {@link #rewrite} returns null, and the caller leaves the expression out with a
 * warning rather than carry it half renamed.
 */
final class ExpressionNames {

  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]*");

  private final Map<String, String> columns;

  /** @param columns source column name → target column name, every column of the table */
  ExpressionNames(Map<String, String> columns) {
    this.columns = columns;
  }

  /** The expression with its column names renamed, or null when it cannot be rewritten safely. */
  String rewrite(String expression) {
    if (expression == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(expression.length() + 8);
    int n = expression.length();
    int i = 0;
    while (i < n) {
      char c = expression.charAt(i);
      if (c == '\'') {
        int end = closing(expression, i, '\'');
        if (end < 0) {
          return null;
        }
        out.append(expression, i, end + 1);
        i = end + 1;
      } else if (c == '"' || c == '[') {
        char close = c == '"' ? '"' : ']';
        int end = closing(expression, i, close);
        if (end < 0) {
          return null;
        }
        String doubled = String.valueOf(close) + close;
        String name = expression.substring(i + 1, end).replace(doubled, String.valueOf(close));
        String target = !isColumnPosition(expression, i, end + 1) ? null : c == '"' ? columns.get(name) : bracketed(name);
        String written = target == null ? name : target;
        out.append(c).append(written.replace(String.valueOf(close), doubled)).append(close);
        i = end + 1;
      } else if (c == '$' || (c == '-' && next(expression, i) == '-') || (c == '/' && next(expression, i) == '*')) {
        return null;
      } else if (Character.isDigit(c)) {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(expression.charAt(end)) || expression.charAt(end) == '.'
            || expression.charAt(end) == '_')) {
          end++;
        }
        out.append(expression, i, end);
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(expression.charAt(end)) || expression.charAt(end) == '_'
            || expression.charAt(end) == '$')) {
          end++;
        }
        out.append(bare(expression, i, end));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Whether the identifier at {@code [start, end)} stands where a column of the table can: not a type
   * ({@code ::name}), a function ({@code name(}), a qualifier ({@code name.}) or a qualified part
   * ({@code x.name}).
   */
  private static boolean isColumnPosition(String expression, int start, int end) {
    String before = expression.substring(0, start).stripTrailing();
    String after = expression.substring(end).stripLeading();
    return !(before.endsWith("::") || before.endsWith(".") || after.startsWith("(") || after.startsWith("."));
  }

  private String bare(String expression, int start, int end) {
    String word = expression.substring(start, end);
    char after = end < expression.length() ? expression.charAt(end) : ' ';
    if (after == '\'' || !isColumnPosition(expression, start, end)) {
      return word;
    }
    String target = columns.get(word);
    if (target == null) {
      target = unique(word);
    }
    if (target == null || target.equals(word)) {
      return word;
    }
    return PLAIN.matcher(target).matches() ? target : "\"" + target.replace("\"", "\"\"") + "\"";
  }

  private String bracketed(String name) {
    String exact = columns.get(name);
    return exact != null ? exact : unique(name);
  }

  /** The target name of the one column whose name equals {@code word} ignoring case; null when none or several. */
  private String unique(String word) {
    String found = null;
    for (Map.Entry<String, String> e : columns.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(word.toLowerCase(Locale.ROOT))) {
        if (found != null) {
          return null;
        }
        found = e.getValue();
      }
    }
    return found;
  }

  /** The index of the quote closing the one at {@code open} (a doubled quote is part of the text), or -1. */
  private static int closing(String s, int open, char close) {
    for (int i = open + 1; i < s.length(); i++) {
      if (s.charAt(i) == close) {
        if (i + 1 < s.length() && s.charAt(i + 1) == close) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  private static char next(String s, int i) {
    return i + 1 < s.length() ? s.charAt(i + 1) : ' ';
  }
}
