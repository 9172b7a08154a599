package io.ferry.worker.sqlserver;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A SQL Server type as {@link SqlServerColumn#sqlType()} writes it, taken apart: {@code decimal(18,4)} is
 * {@code decimal} with arguments 18 and 4; {@code varchar(max)} has the argument {@code max}.
 */
record SqlServerType(String name, List<String> args) {

  static SqlServerType parse(String type) {
    String t = type.trim().toLowerCase(Locale.ROOT);
    int open = t.indexOf('(');
    if (open < 0) {
      return new SqlServerType(t, List.of());
    }
    if (!t.endsWith(")")) {
      throw new IllegalArgumentException("not a SQL Server type: " + type);
    }
    List<String> args = Arrays.stream(t.substring(open + 1, t.length() - 1).split(",")).map(String::trim).toList();
    return new SqlServerType(t.substring(0, open).trim(), args);
  }

  boolean max() {
    return !args.isEmpty() && args.get(0).equals("max");
  }

  /** The {@code i}th argument as a number, or {@code fallback} when the type has none there. */
  int arg(int i, int fallback) {
    return args.size() > i && !args.get(i).equals("max") ? Integer.parseInt(args.get(i)) : fallback;
  }
}
