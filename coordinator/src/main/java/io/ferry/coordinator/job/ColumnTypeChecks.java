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

  /**
   * @param engine the target's engine (null when unknown): a SQL Server target takes no overrides. Its columns keep
   *               their source types and values travel in their exact SQL Server form, which a column of another
   *               type could not decode; a conversion is done in SQL Server (a view or a computed column).
   */
  static void check(Map<String, String> columnTypes, String engine, List<String> problems) {
    if (!columnTypes.isEmpty() && "sqlserver".equals(engine)) {
      problems.add("target.columnTypes: a SQL Server target keeps every column's SQL Server type and takes no overrides"
          + " (" + String.join(", ", columnTypes.keySet()) + "); remove target.columnTypes, or change the type on the"
          + " target after the copy (ALTER TABLE … ALTER COLUMN)");
      return;
    }
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
