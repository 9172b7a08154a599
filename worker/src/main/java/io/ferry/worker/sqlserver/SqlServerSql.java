package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import java.util.List;
import java.util.stream.Collectors;

/** T-SQL text helpers. Every identifier Ferry writes for SQL Server goes through {@link #ident}. */
final class SqlServerSql {

  private SqlServerSql() {
  }

  /** Bracket-quoted ({@code QUOTENAME}'s form), so any name survives: only {@code ]} needs doubling. */
  static String ident(String name) {
    return "[" + name.replace("]", "]]") + "]";
  }

  /** Schema-qualified; a temporary table ({@code #name}) has no schema. */
  static String table(TableName table) {
    return table.schema().isEmpty() ? ident(table.name()) : ident(table.schema()) + "." + ident(table.name());
  }

  static String idents(List<String> names) {
    return names.stream().map(SqlServerSql::ident).collect(Collectors.joining(", "));
  }
}
