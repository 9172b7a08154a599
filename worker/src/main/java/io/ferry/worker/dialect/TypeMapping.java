package io.ferry.worker.dialect;

import io.ferry.protocol.plan.CopyFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one table's column types land on the target: the user-defined types to create first (in
 * dependency order, as idempotent statements), and per column its target type, how it travels and a
 * portable description to compare it with an existing target column.
 *
 * @param statements  idempotent target statements creating the user-defined types the columns use
 * @param columns     per source column name (every column, generated ones included)
 * @param warnings    what could not be mapped exactly (e.g. a range type's C canonical function)
 * @param collations  collations the columns use that Ferry cannot create (they come with the server, such as
 *                    {@code pg_catalog."C"}): each must exist on the target already
 * @param providers   collation providers the statements create collations with that not every target server
 *                    has (PostgreSQL's {@code icu}, absent from servers built without ICU)
 * @param functions   target functions the columns' defaults call that not every target server has, as their
 *                    signature ({@code gen_random_uuid()}, built into PostgreSQL from version 13)
 */
public record TypeMapping(List<String> statements, Map<String, ColumnType> columns, List<String> warnings,
                          List<String> collations, List<String> providers, List<String> functions) {

  public TypeMapping {
    collations = collations == null ? List.of() : List.copyOf(collations);
    providers = providers == null ? List.of() : List.copyOf(providers);
    functions = functions == null ? List.of() : List.copyOf(functions);
  }

  public TypeMapping(List<String> statements, Map<String, ColumnType> columns, List<String> warnings,
      List<String> collations, List<String> providers) {
    this(statements, columns, warnings, collations, providers, List.of());
  }

  public TypeMapping(List<String> statements, Map<String, ColumnType> columns, List<String> warnings,
      List<String> collations) {
    this(statements, columns, warnings, collations, List.of());
  }

  public TypeMapping(List<String> statements, Map<String, ColumnType> columns, List<String> warnings) {
    this(statements, columns, warnings, List.of(), List.of());
  }

  /**
   * @param targetType the column's type in the target DDL (user-defined types qualified and quoted)
   * @param handling   null for binary passthrough, else how and why the column travels differently,
   *                   e.g. {@code text: array of user-defined type app.mood}
   * @param portable   the type as {@code format_type} prints it, with user-defined types by their bare
   *                   name: equal on source and target when the columns can exchange data
   * @param collation  the column's collation on the target when it is not its type's, else null
   */
  public record ColumnType(String targetType, String handling, String portable, String collation) {

    public ColumnType(String targetType, String handling, String portable) {
      this(targetType, handling, portable, null);
    }
  }

  /** Every column keeps its type as the source prints it and travels as binary. */
  public static TypeMapping identity(SourceTable table) {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    table.columns().forEach(c -> columns.put(c.name(), new ColumnType(c.type(), null, c.type(), c.collation())));
    return new TypeMapping(List.of(), columns, List.of());
  }

  /** The same mapping keyed by other column names ({@code names}: old name → new name; others keep theirs). */
  public TypeMapping renamed(Map<String, String> names) {
    Map<String, ColumnType> out = new LinkedHashMap<>();
    columns.forEach((name, type) -> out.put(names.getOrDefault(name, name), type));
    return new TypeMapping(statements, out, warnings, collations, providers, functions);
  }

  /**
   * The same mapping with the given columns landing as other types ({@code types}: column → target type as
   * the user wrote it; {@code portable}: the same as {@code format_type} would print it). Such a column
   * travels as text, so the target's input function parses each value into the new type: the table's
   * COPY becomes text (see {@link #copyFormat}).
   */
  public TypeMapping overridden(Map<String, String> types, Map<String, String> portable) {
    Map<String, ColumnType> out = new LinkedHashMap<>(columns);
    types.forEach((column, type) ->
        out.put(column, new ColumnType(type, "text: type override to " + type, portable.getOrDefault(column, type), null)));
    return new TypeMapping(statements, out, warnings, collations, providers, functions);
  }

  /** Text COPY when any copied column's binary form cannot move between databases. */
  public CopyFormat copyFormat(SourceTable table) {
    return table.copiedColumns().stream().anyMatch(c -> handling(c.name()) != null) ? CopyFormat.TEXT : CopyFormat.BINARY;
  }

  public String handling(String column) {
    ColumnType type = columns.get(column);
    return type == null ? null : type.handling();
  }

  public String portable(String column) {
    ColumnType type = columns.get(column);
    return type == null ? null : type.portable();
  }

  public String collation(String column) {
    ColumnType type = columns.get(column);
    return type == null ? null : type.collation();
  }

  /** The table with every column's type and collation replaced by the target's (what the target DDL is written from). */
  public SourceTable apply(SourceTable table) {
    List<SourceColumn> mapped = new ArrayList<>(table.columns().size());
    for (SourceColumn c : table.columns()) {
      ColumnType type = columns.get(c.name());
      mapped.add(type == null ? c : c.retyped(type.targetType(), type.collation()));
    }
    return table.withColumns(mapped);
  }
}
