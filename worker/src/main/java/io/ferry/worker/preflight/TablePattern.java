package io.ferry.worker.preflight;

import io.ferry.worker.dialect.TableName;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A table selection pattern {@code schema.table} where {@code *} matches any run of characters
 * (dots included). Matched case-sensitively against the unquoted catalog names: {@code public.Orders}
 * selects the table created as {@code "Orders"}, not {@code orders}.
 */
final class TablePattern {

  private final String text;
  private final Pattern regex;

  public TablePattern(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty table pattern");
    }
    if (!text.contains(".")) {
      throw new IllegalArgumentException("table pattern '" + text + "' must be schema.table (use *.name for any schema)");
    }
    this.text = text;
    this.regex = Pattern.compile(toRegex(text), Pattern.DOTALL);
  }

  private static String toRegex(String text) {
    String[] parts = text.split("\\*", -1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append(".*");
      }
      if (!parts[i].isEmpty()) {
        sb.append(Pattern.quote(parts[i]));
      }
    }
    return sb.toString();
  }

  public boolean matches(TableName table) {
    return regex.matcher(table.schema() + "." + table.name()).matches();
  }

  /** Included by at least one include pattern and by no exclude pattern. */
  public static boolean selected(TableName table, List<TablePattern> include, List<TablePattern> exclude) {
    return include.stream().anyMatch(p -> p.matches(table)) && exclude.stream().noneMatch(p -> p.matches(table));
  }

  public static List<TablePattern> all(List<String> patterns) {
    return patterns.stream().map(TablePattern::new).toList();
  }

  @Override
  public String toString() {
    return text;
  }
}
