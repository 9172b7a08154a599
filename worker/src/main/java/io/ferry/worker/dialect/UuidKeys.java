package io.ferry.worker.dialect;

import io.ferry.protocol.plan.UuidColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How one table is keyed under {@code target.keys: uuid}: its own UUID key column and the UUID column that
 * stands for each of its rewritten foreign keys.
 *
 * @param column      the name of every table's own UUID key column ({@code target.uuidColumn})
 * @param key         this table's own UUID key; null when it has no primary key to derive one from
 * @param foreignKeys the foreign keys that reference a UUID key, each with the column that holds it
 */
public record UuidKeys(String column, UuidColumn key, List<ForeignKey> foreignKeys) {

  /** A foreign key rewritten to reference its table's UUID key through {@code column}. */
  public record ForeignKey(String constraint, UuidColumn column) {
  }

  public UuidKeys {
    foreignKeys = List.copyOf(foreignKeys);
  }

  /** Every UUID column in the order a row carries them: the own key first, then the foreign keys'. */
  public List<UuidColumn> columns() {
    List<UuidColumn> out = new ArrayList<>();
    if (key != null) {
      out.add(key);
    }
    foreignKeys.forEach(f -> out.add(f.column()));
    return out;
  }

  /** The UUID column of the named foreign key, when it was rewritten. */
  public Optional<UuidColumn> foreignKey(String constraint) {
    return foreignKeys.stream().filter(f -> f.constraint().equals(constraint)).map(ForeignKey::column).findFirst();
  }
}
