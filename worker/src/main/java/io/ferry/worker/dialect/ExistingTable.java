package io.ferry.worker.dialect;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A target table that already exists, as the modes that keep it need to know it.
 *
 * @param columns     by name, in column order
 * @param uniqueKeys  the column sets of its primary key and of its plain unique indexes (no expressions,
 *                    no predicate): what {@code ON CONFLICT (…)} can use
 * @param foreignKeys names of its foreign keys
 */
public record ExistingTable(Map<String, Column> columns, List<Set<String>> uniqueKeys, List<String> foreignKeys) {

  /**
   * @param portable   the type as {@code format_type} prints it, user-defined types by their bare name
   * @param fillable   the column can be left out of a write (nullable, or with a default, or generated)
   * @param generated  the column is computed by the target and cannot be written
   * @param collation  the column's collation as the type mapping names one ({@code "pg_catalog"."C"}) when it
   *                   is not its type's, else null
   */
  public record Column(String portable, boolean fillable, boolean generated, String collation) {

    public Column(String portable, boolean fillable, boolean generated) {
      this(portable, fillable, generated, null);
    }
  }

  public boolean hasUniqueKey(List<String> columns) {
    Set<String> wanted = Set.copyOf(columns);
    return uniqueKeys.stream().anyMatch(wanted::equals);
  }
}
