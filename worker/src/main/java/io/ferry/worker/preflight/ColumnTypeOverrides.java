package io.ferry.worker.preflight;

import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TypeMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job's {@code target.columnTypes}: source column patterns {@code schema.table.column} ({@code *}
 * matches any run of characters within its part, matched case-sensitively against the source's names)
 * and the target type each matching column lands as. The first entry that matches a column wins. Applied
 * to whatever the source dialect mapped, so every engine gets them the same way; a pattern that matched
 * no column of the job is a problem once every table is surveyed.
 */
final class ColumnTypeOverrides {

  /** Aliases PostgreSQL accepts in DDL, as {@code format_type} prints them (what existing columns are compared with). */
  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("int", "integer"), Map.entry("int4", "integer"), Map.entry("int8", "bigint"),
      Map.entry("int2", "smallint"), Map.entry("bool", "boolean"), Map.entry("float8", "double precision"),
      Map.entry("float4", "real"), Map.entry("decimal", "numeric"), Map.entry("varchar", "character varying"),
      Map.entry("char", "character"), Map.entry("timestamptz", "timestamp with time zone"),
      Map.entry("timestamp", "timestamp without time zone"), Map.entry("time", "time without time zone"),
      Map.entry("timetz", "time with time zone"));
  private static final Pattern TYPE = Pattern.compile("([a-z0-9_ ]+?)\\s*(\\([^)]*\\))?\\s*((?:with|without) time zone)?\\s*((?:\\[\\])*)");

  private record Entry(String text, Pattern[] parts, String type) {
  }

  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> used = new LinkedHashSet<>();

  ColumnTypeOverrides(Map<String, String> columnTypes) {
    columnTypes.forEach((pattern, type) -> {
      String[] parts = pattern.split("\\.", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException("target.columnTypes['" + pattern + "']: expected schema.table.column");
      }
      Pattern[] regex = new Pattern[3];
      for (int i = 0; i < 3; i++) {
        regex[i] = Pattern.compile(glob(parts[i]), Pattern.DOTALL);
      }
      entries.add(new Entry(pattern, regex, type.strip()));
    });
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** {@code types} with the overridden columns of {@code table} (by source name) landing as their given types. */
  TypeMapping apply(SourceTable table, TypeMapping types) {
    if (entries.isEmpty()) {
      return types;
    }
    Map<String, String> chosen = new LinkedHashMap<>();
    Map<String, String> portable = new LinkedHashMap<>();
    for (SourceColumn c : table.copiedColumns()) {
      for (Entry e : entries) {
        if (e.parts[0].matcher(table.name().schema()).matches() && e.parts[1].matcher(table.name().name()).matches()
            && e.parts[2].matcher(c.name()).matches()) {
          used.add(e.text);
          chosen.put(c.name(), e.type);
          portable.put(c.name(), portable(e.type));
          break;
        }
      }
    }
    return chosen.isEmpty() ? types : types.overridden(chosen, portable);
  }

  /** One problem naming every pattern that matched no column of any surveyed table; null when all matched. */
  String unmatched() {
    List<String> left = entries.stream().map(Entry::text).filter(t -> !used.contains(t)).toList();
    if (left.isEmpty()) {
      return null;
    }
    return "target.columnTypes: " + String.join(", ", left) + (left.size() == 1 ? " matches" : " match")
        + " no copied column of the job's tables (patterns are schema.table.column with the source's names,"
        + " case-sensitive; * matches any run of characters)";
  }

  /** The type as PostgreSQL's {@code format_type} prints it, for the common aliases; else as written. */
  static String portable(String type) {
    Matcher m = TYPE.matcher(type.toLowerCase(Locale.ROOT).strip());
    if (!m.matches()) {
      return type;
    }
    String name = m.group(1).strip();
    String args = m.group(2) == null ? "" : m.group(2).replace(" ", "");
    String zone = m.group(3);
    String arrays = m.group(4);
    String base = ALIASES.getOrDefault(name, name);
    if (zone != null) {
      base = name.startsWith("timestamp") ? "timestamp" : name.startsWith("time") ? "time" : base;
      return base + args + " " + zone + arrays;
    }
    if (base.endsWith(" time zone") && !args.isEmpty()) {
      int space = base.indexOf(' ');
      return base.substring(0, space) + args + base.substring(space) + arrays;
    }
    return base + args + arrays;
  }

  private static String glob(String part) {
    String[] pieces = part.split("\\*", -1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces.length; i++) {
      if (i > 0) {
        sb.append(".*");
      }
      if (!pieces[i].isEmpty()) {
        sb.append(Pattern.quote(pieces[i]));
      }
    }
    return sb.toString();
  }
}
