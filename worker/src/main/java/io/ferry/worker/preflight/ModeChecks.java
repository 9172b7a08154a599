package io.ferry.worker.preflight;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetState;
import io.ferry.worker.dialect.TypeMapping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the preflight checks about one target table for the job's mode, before any data moves. A pure
 * function of what the survey found, so every rule is tested without a database:
 *
 * <ul>
 *   <li><b>the guard</b>: a table that would be copied onto itself (source and target are one database,
 *       and the table lands in its own schema) is refused in every mode — drop_recreate and truncate would
 *       destroy it, append and upsert would read what they write;</li>
 *   <li>{@code create} refuses an existing table; {@code preserve_schema} refuses a missing one;</li>
 *   <li>the modes that write into an existing table compare it with the source first: every missing
 *       column, incompatible type (compared as {@code format_type} prints it, user-defined types by name),
 *       generated column and required column the source cannot fill is reported, since each would fail the
 *       copy later and after other tables moved; a column whose collation differs is a warning (the
 *       table is written as it is);</li>
 *   <li>{@code upsert} needs the source's primary key, and on an existing target a primary key or unique
 *       index over exactly the tenant column and those columns, which {@code ON CONFLICT} uses.</li>
 * </ul>
 */
final class ModeChecks {

  /**
   * Problems stop the job; warnings are shown in the plan. {@code createConflict} names an existing table
   * mode create refuses ({@code app.people (holds rows)}), null otherwise: the preflight reports all of
   * them in one problem, see {@link #createConflict}.
   */
  record Result(List<String> problems, List<String> warnings, String createConflict) {
  }

  private final Mode mode;
  private final String tenantColumn;

  ModeChecks(Mode mode, String tenantColumn) {
    this.mode = mode;
    this.tenantColumn = tenantColumn;
  }

  /**
   * @param existing    the target table when it exists (null otherwise, or when the target was unreachable)
   * @param sameTable   the target table is the source table itself
   * @param uuidColumns the columns the copy writes besides the source's ({@code target.keys: uuid}), by their
   *                    target names; their types are checked by {@code UuidPlanner.checkExisting}
   */
  Result check(String tenantId, SourceTable source, TableName target, TypeMapping types, TargetState state,
      ExistingTable existing, boolean sameTable, List<String> uuidColumns) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (sameTable) {
      problems.add("tenant " + tenantId + ": table " + source.name() + " would be copied onto itself: the source and the"
          + " target are the same database and the table lands in its own schema, so every mode would destroy or"
          + " duplicate it. Set target.schema to another schema or choose another target database (modes: "
          + modes(Set.of()) + ")");
      return new Result(problems, warnings, null);
    }
    String createConflict = mode == Mode.CREATE && state.exists() ? target + (state.hasRows() ? " (holds rows)" : "") : null;
    if (mode == Mode.PRESERVE_SCHEMA && !state.exists()) {
      problems.add("target table " + target + " does not exist; mode preserve_schema only writes into existing tables:"
          + " create it, or use mode create or append, which create missing tables");
    }
    List<String> key = withTenant(source.primaryKey());
    if (mode == Mode.UPSERT && source.primaryKey().isEmpty()) {
      problems.add("tenant " + tenantId + ": table " + source.name() + " has no primary key; mode upsert needs one to match"
          + " source rows with target rows: exclude the table, or use mode append or truncate");
    }
    if (existing != null && mode != Mode.CREATE && mode != Mode.DROP_RECREATE) {
      drift(source, target, types, existing, uuidColumns, problems);
      collations(source, target, types, existing, warnings);
      if (mode == Mode.UPSERT && !source.primaryKey().isEmpty() && !existing.hasUniqueKey(key)) {
        problems.add("target table " + target + " has no primary key or unique index on exactly (" + String.join(", ", key)
            + "); mode upsert needs one to find existing rows (ON CONFLICT): add it, or use mode truncate");
      }
      if (mode == Mode.APPEND && !source.primaryKey().isEmpty() && !existing.hasUniqueKey(key)) {
        warnings.add("target table " + target + " has no primary key or unique index on (" + String.join(", ", key)
            + "): mode append cannot detect duplicate rows in it");
      }
      if (mode == Mode.PRESERVE_SCHEMA && !existing.foreignKeys().isEmpty()) {
        warnings.add("target table " + target + " has foreign keys " + existing.foreignKeys() + ": those to tables of"
            + " this job are dropped for the copy and restored by the job's last finish, which fails naming any a"
            + " copied row violates; those to other tables stay in place, so the rows they reference must exist");
      }
    }
    if (mode == Mode.APPEND && source.primaryKey().isEmpty()) {
      warnings.add("table " + source.name() + " has no primary key: mode append cannot detect duplicate rows");
    }
    return new Result(problems, warnings, createConflict);
  }

  /** One problem for every existing table mode create refuses: each table once, the other modes once. */
  static String createConflict(java.util.Collection<String> tables) {
    return "mode create never writes into an existing table, and " + (tables.size() == 1 ? "1 target table exists: "
        : tables.size() + " target tables exist: ") + String.join(", ", tables)
        + ". Choose what to do with them: " + modes(Set.of(Mode.CREATE));
  }

  /** Every column the copy writes must exist with the source's type; every column it leaves out must be fillable. */
  private void drift(SourceTable source, TableName target, TypeMapping types, ExistingTable existing,
      List<String> uuidColumns, List<String> problems) {
    if (tenantColumn != null && !existing.columns().containsKey(tenantColumn)) {
      problems.add("target table " + target + " has no column " + tenantColumn + " (target.tenantColumn)");
    }
    for (SourceColumn c : source.copiedColumns()) {
      ExistingTable.Column t = existing.columns().get(c.name());
      String sourceType = types.portable(c.name()) == null ? c.type() : types.portable(c.name());
      if (t == null) {
        problems.add("target table " + target + " has no column " + c.name() + " (" + sourceType + " in the source)");
      } else if (t.generated()) {
        problems.add("target column " + target + "." + c.name() + " is generated: the source's values cannot be written into it");
      } else if (!t.portable().equals(sourceType)) {
        problems.add("target column " + target + "." + c.name() + " is " + t.portable() + ", the source column is "
            + sourceType + ": the types must match");
      }
    }
    Set<String> written = new java.util.HashSet<>(uuidColumns);
    source.copiedColumns().forEach(c -> written.add(c.name()));
    existing.columns().forEach((name, column) -> {
      if (!column.fillable() && !written.contains(name) && !name.equals(tenantColumn)) {
        problems.add("target column " + target + "." + name + " is NOT NULL without a default, and the source has no"
            + " such column to fill it");
      }
    });
  }

  /**
   * An existing table is written as it is, so a column whose collation differs from the source's keeps
   * the target's: worth a warning, since it changes ordering, equality under case-insensitive collations,
   * and so which rows a unique key lets in.
   */
  private static void collations(SourceTable source, TableName target, TypeMapping types, ExistingTable existing,
      List<String> warnings) {
    for (SourceColumn c : source.copiedColumns()) {
      ExistingTable.Column t = existing.columns().get(c.name());
      String wanted = types.collation(c.name());
      if (t != null && !java.util.Objects.equals(t.collation(), wanted)) {
        warnings.add("target column " + target + "." + c.name() + " has collation " + describe(t.collation())
            + ", the source column " + describe(wanted) + ": values are ordered and compared as the target says");
      }
    }
  }

  private static String describe(String collation) {
    return collation == null ? "its type's default" : collation;
  }

  private List<String> withTenant(List<String> columns) {
    List<String> out = new ArrayList<>();
    if (tenantColumn != null) {
      out.add(tenantColumn);
    }
    out.addAll(columns);
    return out;
  }

  /** {@code mode: what it does; …} for every mode but the excluded ones. */
  static String modes(Set<Mode> except) {
    return Arrays.stream(Mode.values()).filter(m -> !except.contains(m))
        .map(m -> m.wireName() + ": " + m.description()).collect(Collectors.joining("; "));
  }
}
