package io.ferry.worker.preflight;

import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourcePartition;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a job names source objects on the target ({@code target.identifiers}, {@code target.schema}): the
 * target table of a source table, and a source table's description with every name in it as the target
 * has it — columns, keys, indexes, constraints, the columns foreign keys refer to, and the column names
 * inside expressions (see {@link ExpressionNames}). Source-side reads keep the source's names; only what
 * is written on the target is renamed.
 */
final class TargetNames {

  private final IdentifierStyle style;
  /** {@code target.schema}, or null: every table lands in a schema named like its source's. */
  private final String schema;

  TargetNames(IdentifierStyle style, String schema) {
    this.style = style;
    this.schema = schema == null || schema.isBlank() ? null : schema;
  }

  IdentifierStyle style() {
    return style;
  }

  /** The table {@code source} lands in. */
  TableName table(TableName source) {
    return new TableName(schema != null ? schema : style.apply(source.schema()), style.apply(source.name()));
  }

  String name(String identifier) {
    return style.apply(identifier);
  }

  /**
   * One source table as the target names it.
   *
   * @param table   the description with target names (its own name is its source name in the style, the schema
   *                too, so the target dialect still sees which source schema a table came from): what the target's
   *                DDL and the checks of an existing target table read
   * @param columns every source column name → its target name, in column order
   */
  record Named(SourceTable table, Map<String, String> columns) {

    /** The target name of a source column (names that are no column, such as {@code ctid}, stay as they are). */
    String column(String source) {
      return columns.getOrDefault(source, source);
    }
  }

  /**
   * Renames every identifier of {@code st}. An expression naming a column that cannot be rewritten safely
   * is left out (the default, CHECK constraint or index), and {@code warnings} says which.
   */
  Named rename(SourceTable st, List<String> warnings) {
    Map<String, String> columns = new LinkedHashMap<>();
    st.columns().forEach(c -> columns.put(c.name(), style.apply(c.name())));
    TableName target = new TableName(style.apply(st.name().schema()), style.apply(st.name().name()));
    if (style == IdentifierStyle.PRESERVE) {
      // Nothing is renamed: the description is the source's, under the name of its target table.
      return new Named(st, columns);
    }
    ExpressionNames expressions = new ExpressionNames(columns);
    List<SourceColumn> renamed = new ArrayList<>();
    for (SourceColumn c : st.columns()) {
      String defaultExpr = c.defaultExpr();
      if (defaultExpr != null) {
        defaultExpr = expressions.rewrite(defaultExpr);
        if (defaultExpr == null) {
          warnings.add("table " + st.name() + ": the default of column " + c.name() + " (" + c.defaultExpr()
              + ") cannot have its column names renamed with certainty: not carried");
        }
      }
      String generated = c.generatedExpr() == null ? null : expressions.rewrite(c.generatedExpr());
      if (c.generatedExpr() != null && generated == null) {
        generated = c.generatedExpr();
        warnings.add("table " + st.name() + ": the expression of generated column " + c.name()
            + " cannot have its column names renamed with certainty: carried as the source wrote it");
      }
      renamed.add(new SourceColumn(columns.get(c.name()), c.type(), c.nullable(), defaultExpr, generated, c.identity(),
          c.sequence() == null ? null : qualified(c.sequence()), c.collation(), c.sequenceNext()));
    }
    List<SourceIndex> indexes = new ArrayList<>();
    for (SourceIndex index : st.indexes()) {
      SourceIndex named = index(index, columns, expressions);
      if (named == null) {
        warnings.add("table " + st.name() + ": index " + index.name()
            + " has an expression or filter whose column names cannot be renamed with certainty: not carried");
      } else {
        indexes.add(named);
      }
    }
    List<SourceForeignKey> foreignKeys = st.foreignKeys().stream().map(fk -> new SourceForeignKey(style.apply(fk.name()),
        names(fk.columns(), columns), fk.referencedTable(), fk.referencedColumns().stream().map(style::apply).toList(),
        fk.onDelete(), fk.onUpdate(), fk.deferrable())).toList();
    List<SourceCheck> checks = new ArrayList<>();
    for (SourceCheck check : st.checks()) {
      String definition = expressions.rewrite(check.definition());
      if (definition == null) {
        warnings.add("table " + st.name() + ": CHECK constraint " + check.name() + " (" + check.definition()
            + ") cannot have its column names renamed with certainty: not carried");
      } else {
        checks.add(new SourceCheck(style.apply(check.name()), definition));
      }
    }
    String partitionKey = st.partitionKey() == null ? null : expressions.rewrite(st.partitionKey());
    if (st.partitionKey() != null && partitionKey == null) {
      partitionKey = st.partitionKey();
      warnings.add("table " + st.name() + ": its partition key cannot have its column names renamed with certainty:"
          + " carried as the source wrote it");
    }
    List<SourcePartition> partitions = st.partitions().stream().map(p -> new SourcePartition(p.name(), p.parent(),
        p.bound(), p.partitionKey() == null ? null : orElse(expressions.rewrite(p.partitionKey()), p.partitionKey())))
        .toList();
    SourceTable table = new SourceTable(target, st.partitioned(), renamed, names(st.primaryKey(), columns), indexes,
        foreignKeys, st.estimatedRows(), st.estimatedBytes(), partitionKey, partitions, checks);
    return new Named(table, columns);
  }

  private SourceIndex index(SourceIndex index, Map<String, String> columns, ExpressionNames expressions) {
    List<SourceIndex.Key> keys = new ArrayList<>();
    for (SourceIndex.Key k : index.keys()) {
      if (k.column() != null) {
        keys.add(new SourceIndex.Key(columns.getOrDefault(k.column(), k.column()), null, k.options()));
      } else {
        String expression = expressions.rewrite(k.expression());
        if (expression == null) {
          return null;
        }
        keys.add(new SourceIndex.Key(null, expression, k.options()));
      }
    }
    String predicate = index.predicate() == null ? null : expressions.rewrite(index.predicate());
    if (index.predicate() != null && predicate == null) {
      return null;
    }
    return new SourceIndex(style.apply(index.name()), index.unique(), index.constraint(), index.method(), keys,
        names(index.include(), columns), predicate);
  }

  /** {@code schema.name} (or a bare name) with each part renamed. */
  private String qualified(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? style.apply(name) : style.apply(name.substring(0, dot)) + "." + style.apply(name.substring(dot + 1));
  }

  private static List<String> names(List<String> sourceNames, Map<String, String> columns) {
    return sourceNames.stream().map(n -> columns.getOrDefault(n, n)).toList();
  }

  private static String orElse(String value, String other) {
    return value == null ? other : value;
  }

  /**
   * Names that two different source names would share on the target, each described with both (or all)
   * of its source names, e.g. {@code columns OrderDate and Order_Date of dbo.Orders both land as order_date}.
   *
   * @param what    what the names are, plural ({@code columns}, {@code tables})
   * @param where   where they would collide ({@code of dbo.Orders}, {@code in schema sales}), or empty
   * @param targets source name → target name
   */
  static List<String> collisions(String what, String where, Map<String, String> targets) {
    Map<String, List<String>> byTarget = new LinkedHashMap<>();
    targets.forEach((source, target) -> {
      List<String> sources = byTarget.computeIfAbsent(target, t -> new ArrayList<>());
      if (!sources.contains(source)) {
        sources.add(source);
      }
    });
    List<String> out = new ArrayList<>();
    byTarget.forEach((target, sources) -> {
      if (sources.size() > 1) {
        out.add(what + " " + join(sources) + (where.isEmpty() ? "" : " " + where)
            + (sources.size() == 2 ? " would both land as " : " would all land as ") + target);
      }
    });
    return out;
  }

  private static String join(Collection<String> names) {
    List<String> list = List.copyOf(names);
    if (list.size() == 2) {
      return list.get(0) + " and " + list.get(1);
    }
    return String.join(", ", list.subList(0, list.size() - 1)) + " and " + list.get(list.size() - 1);
  }
}
