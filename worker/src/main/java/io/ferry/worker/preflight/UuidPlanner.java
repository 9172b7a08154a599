package io.ferry.worker.preflight;

import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.UuidKeys;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Decides a table's UUID columns under {@code target.keys: uuid} (see {@link UuidKeys}): its own key from
 * its primary key, and one column per foreign key that references another job table's primary key, named
 * after the foreign key's columns with {@code _uuid} appended ({@code school_id} → {@code school_id_uuid}).
 * A foreign key to anything else (a unique constraint, a table outside the job) is not rewritten: it stays
 * over the tenant column and its own columns, as with composite keys, and a warning says so.
 */
final class UuidPlanner {

  /** Target types whose text ({@code value::text}) is a canonical form of the value, so it may feed a UUID. */
  private static final Pattern KEYABLE = Pattern.compile(
      "smallint|integer|bigint|boolean|uuid|date|text|numeric(\\(.*\\))?|character( varying)?(\\(.*\\))?");
  private static final int MAX_IDENTIFIER_BYTES = 63;

  private final String uuidColumn;
  /** The surveyed tenant's primary keys by table, for the foreign keys that reference them. */
  private final Map<TableName, Key> primaryKeys = new HashMap<>();

  /**
   * A table's primary key: its columns and, per column, how its values' text is made canonical (the
   * column's collation decides, for the table's own UUID and for every foreign key's that references it).
   */
  record Key(List<String> columns, List<KeyText> text) {

    Key {
      columns = List.copyOf(columns);
      text = List.copyOf(text);
    }

    static Key of(SourceDialect source, SourceTable described) {
      return new Key(described.primaryKey(),
          described.primaryKey().stream().map(c -> source.keyText(described.column(c))).toList());
    }

    /** A key whose values are taken as they are. */
    static Key exact(List<String> columns) {
      return new Key(columns, java.util.Collections.nCopies(columns.size(), KeyText.EXACT));
    }
  }

  UuidPlanner(String uuidColumn) {
    this.uuidColumn = uuidColumn;
  }

  /** The next tables are another tenant's. */
  void nextTenant() {
    primaryKeys.clear();
  }

  /**
   * Plans a table of the tenant being surveyed. A foreign key's column needs the primary key of the table
   * it references: taken from that table's description, read once per tenant (here, when the referencing
   * table is planned first).
   *
   * @param described the table as the source describes it (its columns' collations decide the key text)
   * @param table     the same with its columns' mapped target types (the job's overrides left out: the copy
   *                  hashes each value as its mapped type prints it)
   * @param jobTables the tenant's tables in the job
   */
  UuidKeys plan(SourceDialect source, Connection conn, SourceTable described, SourceTable table,
      Map<TableName, TableName> jobTables, Consumer<String> problems, List<String> warnings) throws SQLException {
    primaryKeys.put(table.name(), Key.of(source, described));
    for (SourceForeignKey fk : table.foreignKeys()) {
      if (jobTables.containsKey(fk.referencedTable()) && !primaryKeys.containsKey(fk.referencedTable())) {
        primaryKeys.put(fk.referencedTable(), Key.of(source, source.describe(conn, fk.referencedTable(), new ArrayList<>())));
      }
    }
    List<String> found = new ArrayList<>();
    UuidKeys keys = plan(table, jobTables, primaryKeys::get, found, warnings);
    found.forEach(problems);
    return keys;
  }

  /**
   * @param table       the table with its columns' mapped target types
   * @param jobTables   the tenant's tables in the job
   * @param primaryKeys a job table's primary key (no columns when it has none), this table's own included
   */
  UuidKeys plan(SourceTable table, Map<TableName, TableName> jobTables, Function<TableName, Key> primaryKeys,
      List<String> problems, List<String> warnings) {
    Set<String> names = new HashSet<>();
    table.columns().forEach(c -> names.add(c.name()));
    UuidColumn key = null;
    if (table.primaryKey().isEmpty()) {
      warnings.add("table " + table.name() + " has no primary key: it gets no " + uuidColumn
          + " column (target.keys: uuid), and no foreign key can reference it by UUID");
    } else {
      key = new UuidColumn(uuidColumn, table.name().toString(), table.primaryKey(),
          primaryKeys.apply(table.name()).text());
      claim(table, key, names, problems);
    }
    List<UuidKeys.ForeignKey> foreignKeys = new ArrayList<>();
    for (SourceForeignKey fk : table.foreignKeys()) {
      if (!jobTables.containsKey(fk.referencedTable())) {
        continue; // not recreated at all; the DDL says so
      }
      Key parentKey = primaryKeys.apply(fk.referencedTable());
      List<String> parentColumns = parentKey.columns();
      if (parentColumns.isEmpty() || !new HashSet<>(parentColumns).equals(new HashSet<>(fk.referencedColumns()))) {
        warnings.add("foreign key " + fk.name() + " of " + table.name() + " references " + fk.referencedTable() + " "
            + fk.referencedColumns() + ", not its primary key: it is kept over the tenant column and "
            + fk.columns() + " rather than a UUID");
        continue;
      }
      // The UUID names the parent's key values in the parent's key order, whatever order the foreign key lists
      // them in, each made canonical by the parent column's rule (the foreign key column's collation may differ).
      List<String> from = parentColumns.stream().map(p -> fk.columns().get(fk.referencedColumns().indexOf(p))).toList();
      UuidColumn column = new UuidColumn(String.join("_", fk.columns()) + "_uuid", fk.referencedTable().toString(), from,
          parentKey.text());
      if (claim(table, column, names, problems)) {
        foreignKeys.add(new UuidKeys.ForeignKey(fk.name(), column));
      }
    }
    return new UuidKeys(uuidColumn, key, foreignKeys);
  }

  /**
   * The same UUID columns named for the target: each foreign key's UUID column and constraint in the job's
   * identifier style ({@code names}), the columns that feed them through {@code columns}; the key column keeps
   * the name the spec gives it.
   */
  static UuidKeys renamed(UuidKeys keys, UnaryOperator<String> names, UnaryOperator<String> columns) {
    UuidColumn key = keys.key() == null ? null
        : new UuidColumn(keys.key().name(), keys.key().table(), keys.key().from().stream().map(columns).toList(),
            keys.key().text());
    List<UuidKeys.ForeignKey> foreignKeys = keys.foreignKeys().stream().map(f -> new UuidKeys.ForeignKey(
        names.apply(f.constraint()), new UuidColumn(names.apply(f.column().name()), f.column().table(),
            f.column().from().stream().map(columns).toList(), f.column().text()))).toList();
    return new UuidKeys(keys.column(), key, foreignKeys);
  }

  /**
   * An existing target table the job writes into must have the UUID columns, of type {@code uuid}: the copy
   * writes them. Null {@code existing}: the table is created (or replaced) by the job.
   */
  static void checkExisting(TableName target, ExistingTable existing, UuidKeys uuids, Consumer<String> problems) {
    if (existing == null) {
      return;
    }
    for (UuidColumn c : uuids.columns()) {
      ExistingTable.Column column = existing.columns().get(c.name());
      if (column == null) {
        problems.accept("target table " + target + " exists without the column " + c.name()
            + " that target.keys: uuid writes: add it (uuid) or let the job create the table (drop_recreate)");
      } else if (!column.portable().equals("uuid")) {
        problems.accept("target table " + target + ": column " + c.name() + " is " + column.portable()
            + ", but target.keys: uuid writes a uuid there");
      }
    }
  }

  /** Checks a UUID column's name and the types of its values; false (and problems) when it cannot be. */
  private boolean claim(SourceTable table, UuidColumn column, Set<String> names, List<String> problems) {
    boolean ok = true;
    if (!names.add(column.name())) {
      problems.add("table " + table.name() + " already has a column named " + column.name()
          + ", which target.keys: uuid would add: "
          + (column.name().equals(uuidColumn) ? "choose another target.uuidColumn" : "rename the source column"));
      ok = false;
    } else if (column.name().getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
      problems.add("table " + table.name() + ": the UUID column " + column.name() + " would be longer than "
          + MAX_IDENTIFIER_BYTES + " bytes");
      ok = false;
    }
    for (String c : column.from()) {
      SourceColumn source = table.column(c);
      if (source.generated() || !KEYABLE.matcher(source.type()).matches()) {
        problems.add("table " + table.name() + ": column " + c + " (" + source.type() + ") cannot feed the UUID column "
            + column.name() + " (target.keys: uuid takes keys of integer, numeric, boolean, uuid, date and text types,"
            + " copied ones)");
        ok = false;
      }
    }
    return ok;
  }
}
