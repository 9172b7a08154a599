package io.ferry.coordinator.job;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks {@code target.columnTypes}: each key a source column pattern {@code schema.table.column}, each
 * value a target type. The type goes into the target's DDL as written, so it is held to the shape of a
 * type name (words, an optional {@code (p[,s])}, optional {@code []}): anything else, such as a
 * statement smuggled in after a {@code ;}, is refused here. Whether a pattern matches any column is only
 * known after the survey, which refuses one that matches none.
 */
final class ColumnTypeChecks {

  private static final Pattern COLUMN = Pattern.compile("[^.]+\\.[^.]+\\.[^.]+");
  private static final Pattern TYPE = Pattern.compile(
      "[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*( ?\\(\\s*\\d+\\s*(,\\s*-?\\d+\\s*)?\\))?( [A-Za-z ]+)?(\\[\\])*");

  private ColumnTypeChecks() {
  }

  static void check(Map<String, String> columnTypes, List<String> problems) {
    columnTypes.forEach((column, type) -> {
      String at = "target.columnTypes['" + column + "']";
      if (column == null || !COLUMN.matcher(column).matches()) {
        problems.add(at + ": the key must be schema.table.column (each part may use * for any run of characters,"
            + " e.g. dbo.Orders.Total or *.*.Notes)");
      }
      if (type == null || type.isBlank()) {
        problems.add(at + ": a target type is required, e.g. numeric(12,2)");
      } else if (!TYPE.matcher(type.strip()).matches()) {
        problems.add(at + ": '" + type + "' is not a type name: write a type such as numeric(12,2), varchar(2000),"
            + " timestamp(3) with time zone or text[]");
      }
    });
  }
}
