package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A foreign key as {@link SqlServerForeignKeyDrops} records its definition ({@code FOREIGN KEY ([a], …)
 * REFERENCES [s].[t] ([x], …) ON …}), read back to find a row that keeps it from being restored: SQL
 * Server's refusal names the key but no row, and the user has to find the rows to fix.
 */
record SqlServerRecordedForeignKey(List<String> columns, TableName referenced, List<String> referencedColumns) {

  /** The key's parts, or null when the text is not of the recorded form. */
  static SqlServerRecordedForeignKey parse(String definition) {
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    boolean referencesSeen = false;
    StringBuilder outside = new StringBuilder();
    for (int i = 0; i < definition.length(); i++) {
      char ch = definition.charAt(i);
      if (ch != '[') {
        outside.append(ch);
        continue;
      }
      referencesSeen |= outside.indexOf("REFERENCES") >= 0;
      outside.setLength(0);
      StringBuilder name = new StringBuilder();
      for (i++; i < definition.length(); i++) {
        if (definition.charAt(i) == ']') {
          if (i + 1 < definition.length() && definition.charAt(i + 1) == ']') {
            name.append(']');
            i++;
            continue;
          }
          break;
        }
        name.append(definition.charAt(i));
      }
      (referencesSeen ? after : before).add(name.toString());
    }
    if (before.isEmpty() || after.size() != before.size() + 2) {
      return null;
    }
    return new SqlServerRecordedForeignKey(before, new TableName(after.get(0), after.get(1)), after.subList(2, after.size()));
  }

  /**
   * One row of {@code table} the key refuses, as {@code (a, b)=(1, 2)} like PostgreSQL's detail, or null
   * when there is none. A row with a NULL in the key is not checked, as SQL Server does not check it.
   */
  String offendingRow(Connection target, TableName table) throws SQLException {
    String notNull = columns.stream().map(c -> "c." + SqlServerSql.ident(c) + " IS NOT NULL").collect(Collectors.joining(" AND "));
    String matches = IntStream.range(0, columns.size())
        .mapToObj(i -> "p." + SqlServerSql.ident(referencedColumns.get(i)) + " = c." + SqlServerSql.ident(columns.get(i)))
        .collect(Collectors.joining(" AND "));
    String values = columns.stream().map(c -> "CONVERT(nvarchar(max), c." + SqlServerSql.ident(c) + ")")
        .collect(Collectors.joining(" + N', ' + "));
    String sql = "SELECT TOP (1) " + values + " FROM " + SqlServerSql.table(table) + " c WHERE " + notNull
        + " AND NOT EXISTS (SELECT 1 FROM " + SqlServerSql.table(referenced) + " p WHERE " + matches + ")";
    try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? "(" + String.join(", ", columns) + ")=(" + rs.getString(1) + ")" : null;
    }
  }
}
