package io.ferry.protocol.plan;

import java.util.Collections;
import java.util.List;

/**
 * A target column that holds a Ferry UUID ({@code target.keys: uuid}): the UUID v5 of the row's tenant,
 * {@code table} and the values of {@code from}, computed by the worker as it copies the row. The first of
 * a plan's UUID columns is the row's own key ({@code table} is the table itself, {@code from} its primary
 * key); the others stand for foreign keys ({@code table} the referenced table, {@code from} the foreign
 * key's columns in the order of the referenced table's primary key).
 *
 * @param name  the target column
 * @param table the source table whose key the UUID stands for, {@code schema.table}
 * @param from  the copied columns whose values feed the UUID, in key order
 * @param text  per value of {@code from}, how its text is made canonical: the rule of the referenced key's
 *              column (its collation), so a foreign key's UUID equals its parent's; {@link KeyText#EXACT}
 *              for every value when absent (a plan from before the rules)
 */
public record UuidColumn(String name, String table, List<String> from, List<KeyText> text) {

  public UuidColumn {
    from = List.copyOf(from);
    text = text == null ? Collections.nCopies(from.size(), KeyText.EXACT) : List.copyOf(text);
    if (text.size() != from.size()) {
      throw new IllegalArgumentException("UUID column " + name + ": " + from.size() + " values but " + text.size()
          + " canonical text rules");
    }
  }

  /** A UUID column whose values are all taken as they are (keys without collation). */
  public UuidColumn(String name, String table, List<String> from) {
    this(name, table, from, null);
  }
}
