package io.ferry.worker.postgres;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * Target DDL for PostgreSQL, as pure functions of the source catalog description.
 *
 * <p>Prepare creates bare tables (no keys, indexes or defaults) because loading into an unindexed table
 * and building indexes once is much faster than maintaining them row by row. Finish adds, in order:
 * column defaults, sequences (serial columns get an owned sequence, identity columns become identity
 * again, both set past the largest copied value and at least to the source's position), CHECK
 * constraints, the primary key, unique constraints, indexes and {@code ANALYZE}. Columns keep their
 * collations. With a tenant column every key and unique index gets it in front, so uniqueness holds
 * per tenant. With {@code target.keys: uuid} the keys are UUIDs instead ({@link PostgresUuidDdl}).
 *
 * <p>In the modes that keep existing tables ({@code truncate}, {@code append}, {@code upsert}) the target
 * table may already carry its keys and indexes, so finish statements that cannot say {@code IF NOT EXISTS}
 * are wrapped in a guard that looks first. {@code append} and {@code upsert} create a missing table
 * <em>with</em> its primary key at prepare: append must detect a duplicate key the moment it is written,
 * and upsert's {@code ON CONFLICT} needs the key's unique index to find existing rows. The price is an
 * index maintained during the load. {@code preserve_schema} leaves the table's definition alone: prepare
 * only drops the foreign keys among the job's tables for the copy (restored by the job's last finish), and
 * finish only moves its sequences past the copied values and analyzes it.
 */
public final class PostgresDdl {

  /** Transaction settings that name the job and unit whose statements run (read by the foreign-key drop). */
  static final String JOB_SETTING = "ferry.job_id";
  static final String UNIT_SETTING = "ferry.unit_id";

  private PostgresDdl() {
  }

  public static TableDdl build(DdlRequest request) {
    List<String> warnings = new ArrayList<>();
    return new TableDdl(prepare(request), finish(request, warnings), foreignKeys(request, warnings), warnings);
  }

  static List<String> prepare(DdlRequest r) {
    if (r.mode() == Mode.PRESERVE_SCHEMA) {
      return List.of(dropIncomingForeignKeys(r));
    }
    String table = PgSql.table(r.target());
    List<String> out = new ArrayList<>();
    out.add("CREATE SCHEMA IF NOT EXISTS " + PgSql.ident(r.target().schema()));
    switch (r.mode()) {
      case CREATE -> out.add("CREATE TABLE " + table + " (" + columns(r) + ")" + PostgresPartitionDdl.partitionBy(r));
      case DROP_RECREATE -> {
        out.add("DROP TABLE IF EXISTS " + table + " CASCADE");
        out.add("CREATE TABLE " + table + " (" + columns(r) + ")" + PostgresPartitionDdl.partitionBy(r));
      }
      case TRUNCATE -> {
        out.add("CREATE TABLE IF NOT EXISTS " + table + " (" + columns(r) + ")" + PostgresPartitionDdl.partitionBy(r));
        out.add(dropIncomingForeignKeys(r));
        out.add("TRUNCATE TABLE " + table);
      }
      case APPEND, UPSERT -> {
        List<String> composite = withTenant(r, r.source().primaryKey());
        String sourceKey = PostgresUuidDdl.sourceKeyConstraint(r, composite);
        String key = r.source().primaryKey().isEmpty() ? ""
            : ", PRIMARY KEY (" + PgSql.idents(PostgresUuidDdl.primaryKey(r, composite)) + ")"
            + (sourceKey == null ? "" : ", " + sourceKey);
        out.add("CREATE TABLE IF NOT EXISTS " + table + " (" + columns(r) + key + ")" + PostgresPartitionDdl.partitionBy(r));
        out.add(dropIncomingForeignKeys(r));
      }
      default -> throw new IllegalArgumentException("unsupported mode " + r.mode());
    }
    out.addAll(PostgresPartitionDdl.partitions(r));
    out.addAll(PostgresUuidDdl.prepare(r));
    return out;
  }

  /** Modes in which the target table may exist before prepare, with its keys and indexes. */
  static boolean keepsTables(Mode mode) {
    return mode == Mode.TRUNCATE || mode == Mode.APPEND || mode == Mode.UPSERT || mode == Mode.PRESERVE_SCHEMA;
  }

  /**
   * preserve_schema leaves the table's definition alone: only its own sequences (serial or identity,
   * found by {@code pg_get_serial_sequence}, which is NULL — and setval a no-op — when there is none)
   * move past the copied values, and the planner learns the new rows.
   */
  static List<String> preserveSchemaFinish(DdlRequest r) {
    String table = PgSql.table(r.target());
    List<String> out = new ArrayList<>();
    for (SourceColumn c : r.source().columns()) {
      if (!c.generated() && (c.identity() != null || c.sequence() != null)) {
        out.add(setval("pg_get_serial_sequence(" + PgSql.literal(table) + ", " + PgSql.literal(c.name()) + ")", table, c));
      }
    }
    out.add("ANALYZE " + table);
    return out;
  }

  /**
   * PostgreSQL refuses to truncate a table that another table references, and tables are copied in
   * parallel, so a child's row may arrive before its parent's. Foreign keys from tables of
   * this job are dropped first, a table's key to itself among them (its copy units run in parallel too, so
   * a row may arrive before the row of its own table it references), each recorded in
   * {@code ferry.dropped_constraints} by the unit that
   * {@link PostgresTarget#nameUnit} named: the job's last finish unit restores them. A reference from a table
   * outside the job is left alone, so the truncate fails and says which table blocks it, rather than
   * Ferry emptying (CASCADE) or unconstraining a table the job does not own.
   */
  static String dropIncomingForeignKeys(DdlRequest r) {
    String jobTables = r.jobTables().values().stream().distinct().sorted(java.util.Comparator.comparing(TableName::toString))
        .map(t -> "(" + PgSql.literal(t.schema()) + ", " + PgSql.literal(t.name()) + ")")
        .collect(java.util.stream.Collectors.joining(", "));
    return "DO $ferry$ DECLARE fk record; BEGIN FOR fk IN SELECT con.oid FROM pg_constraint con"
        + " JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE con.contype = 'f' AND con.confrelid = " + regclass(r.target())
        + " AND (n.nspname, c.relname) IN (VALUES " + jobTables + ")"
        + " LOOP PERFORM ferry.drop_constraint(current_setting('" + JOB_SETTING + "'), current_setting('" + UNIT_SETTING
        + "'), fk.oid); END LOOP; END $ferry$";
  }

  /** Column definitions: tenant column first, then the source's columns with types as the source prints them. */
  static String columns(DdlRequest r) {
    List<String> defs = new ArrayList<>();
    if (r.tenantColumn() != null) {
      defs.add(PgSql.ident(r.tenantColumn()) + " text NOT NULL");
    }
    if (PostgresUuidDdl.keyColumn(r) != null) {
      defs.add(PostgresUuidDdl.keyColumn(r));
    }
    for (SourceColumn c : r.source().columns()) {
      StringBuilder d = new StringBuilder(PgSql.ident(c.name())).append(' ').append(c.type());
      if (c.collation() != null) {
        d.append(" COLLATE ").append(c.collation());
      }
      if (c.generated()) {
        // Generated columns are not copied: the target computes them from the copied ones.
        d.append(" GENERATED ALWAYS AS (").append(c.generatedExpr()).append(") STORED");
      } else if (!c.nullable()) {
        d.append(" NOT NULL");
      }
      defs.add(d.toString());
    }
    defs.addAll(PostgresUuidDdl.foreignKeyColumns(r));
    return String.join(", ", defs);
  }

  static List<String> finish(DdlRequest r, List<String> warnings) {
    if (r.mode() == Mode.PRESERVE_SCHEMA) {
      return preserveSchemaFinish(r);
    }
    String table = PgSql.table(r.target());
    boolean guarded = keepsTables(r.mode());
    List<String> out = new ArrayList<>();
    for (SourceColumn c : r.source().columns()) {
      if (c.generated()) {
        continue;
      }
      if (c.identity() != null) {
        String kind = c.identity().equals("always") ? "ALWAYS" : "BY DEFAULT";
        String add = "ALTER TABLE " + table + " ALTER COLUMN " + PgSql.ident(c.name()) + " ADD GENERATED " + kind + " AS IDENTITY";
        out.add(guarded ? guard("SELECT 1 FROM pg_attribute WHERE attrelid = " + regclass(r.target())
            + " AND attname = " + PgSql.literal(c.name()) + " AND attidentity <> ''", add) : add);
        out.add(setval("pg_get_serial_sequence(" + PgSql.literal(table) + ", " + PgSql.literal(c.name()) + ")", table, c));
      } else if (c.sequence() != null) {
        TableName seq = new TableName(r.target().schema(),
            objectName(r.source().name(), r.target(), c.sequence()));
        String seqText = PgSql.literal(PgSql.table(seq));
        out.add("CREATE SEQUENCE IF NOT EXISTS " + PgSql.table(seq) + sequenceType(c.type())
            + " OWNED BY " + table + "." + PgSql.ident(c.name()));
        out.add("ALTER TABLE " + table + " ALTER COLUMN " + PgSql.ident(c.name()) + " SET DEFAULT nextval(" + seqText + "::regclass)");
        out.add(setval(seqText, table, c));
      } else if (c.defaultExpr() != null) {
        out.add("ALTER TABLE " + table + " ALTER COLUMN " + PgSql.ident(c.name()) + " SET DEFAULT " + c.defaultExpr());
      }
    }
    for (SourceCheck check : r.source().checks()) {
      String add = "ALTER TABLE " + table + " ADD CONSTRAINT " + PgSql.ident(check.name()) + " " + check.definition();
      out.add(guarded ? guard("SELECT 1 FROM pg_constraint WHERE conrelid = " + regclass(r.target())
          + " AND conname = " + PgSql.literal(check.name()), add) : add);
    }
    if (!r.source().primaryKey().isEmpty()) {
      List<String> composite = withTenant(r, r.source().primaryKey());
      String pk = "ALTER TABLE " + table + " ADD PRIMARY KEY (" + PgSql.idents(PostgresUuidDdl.primaryKey(r, composite)) + ")";
      out.add(guarded ? guard("SELECT 1 FROM pg_constraint WHERE conrelid = " + regclass(r.target()) + " AND contype = 'p'", pk) : pk);
      String sourceKey = PostgresUuidDdl.sourceKeyConstraint(r, composite);
      if (sourceKey != null) {
        String add = "ALTER TABLE " + table + " ADD " + sourceKey;
        out.add(guarded ? guard("SELECT 1 FROM pg_constraint WHERE conrelid = " + regclass(r.target())
            + " AND conname = " + PgSql.literal(PostgresUuidDdl.sourceKeyName(r)), add) : add);
      }
    } else {
      warnings.add("table " + r.source().name() + " has no primary key: the target gets none either");
    }
    for (SourceIndex index : r.source().indexes()) {
      out.add(index(r, index, guarded));
    }
    out.addAll(PostgresUuidDdl.finish(r));
    out.add("ANALYZE " + table);
    return out;
  }

  static String index(DdlRequest r, SourceIndex index, boolean guarded) {
    String table = PgSql.table(r.target());
    String name = objectName(r.source().name(), r.target(), index.name());
    if (index.constraint()) {
      List<String> cols = index.keys().stream().map(SourceIndex.Key::column).toList();
      String sql = "ALTER TABLE " + table + " ADD CONSTRAINT " + PgSql.ident(name) + " UNIQUE ("
          + PgSql.idents(withTenant(r, cols)) + ")"
          + (index.include().isEmpty() ? "" : " INCLUDE (" + PgSql.idents(index.include()) + ")");
      return guarded ? guard("SELECT 1 FROM pg_constraint WHERE conrelid = " + regclass(r.target())
          + " AND conname = " + PgSql.literal(name), sql) : sql;
    }
    List<String> keys = new ArrayList<>();
    if (index.unique() && r.tenantColumn() != null) {
      keys.add(PgSql.ident(r.tenantColumn()));
    }
    for (SourceIndex.Key k : index.keys()) {
      String part = k.column() != null ? PgSql.ident(k.column()) : "(" + k.expression() + ")";
      keys.add(k.options().isEmpty() ? part : part + " " + k.options());
    }
    return "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX " + (guarded ? "IF NOT EXISTS " : "")
        + PgSql.ident(name) + " ON " + table + " USING " + index.method() + " (" + String.join(", ", keys) + ")"
        + (index.include().isEmpty() ? "" : " INCLUDE (" + PgSql.idents(index.include()) + ")")
        + (index.predicate() == null ? "" : " WHERE " + index.predicate());
  }

  static List<String> foreignKeys(DdlRequest r, List<String> warnings) {
    String table = PgSql.table(r.target());
    List<String> out = new ArrayList<>();
    if (r.mode() == Mode.PRESERVE_SCHEMA) {
      return out;
    }
    for (SourceForeignKey fk : r.source().foreignKeys()) {
      TableName parent = r.jobTables().get(fk.referencedTable());
      if (parent == null) {
        warnings.add("foreign key " + fk.name() + " of " + r.source().name() + " references " + fk.referencedTable()
            + ", which is not in this job: not recreated");
        continue;
      }
      String uuidKey = PostgresUuidDdl.foreignKey(r, fk, parent);
      String sql = "ALTER TABLE " + table + " ADD CONSTRAINT " + PgSql.ident(fk.name()) + " " + (uuidKey != null ? uuidKey
          : "FOREIGN KEY (" + PgSql.idents(withTenant(r, fk.columns())) + ") REFERENCES " + PgSql.table(parent)
          + " (" + PgSql.idents(withTenant(r, fk.referencedColumns())) + ")")
          + " ON DELETE " + fk.onDelete() + " ON UPDATE " + fk.onUpdate()
          + (fk.deferrable().isEmpty() ? "" : " " + fk.deferrable());
      // Guarded in every mode: a rollback drops the foreign keys among the tables it empties, and the job's
      // last finish then runs again, adding those and skipping the ones still in place.
      out.add(guard("SELECT 1 FROM pg_constraint WHERE conrelid = " + regclass(r.target())
          + " AND conname = " + PgSql.literal(fk.name()), sql));
    }
    return out;
  }

  /**
   * Index, constraint and sequence names must be unique per schema. When the target schema is the
   * source's, the source name is already unique there; when tables of several source schemas land in
   * one target schema, the source schema is put in front.
   */
  static String objectName(TableName source, TableName target, String name) {
    String full = source.schema().equals(target.schema()) ? name : source.schema() + "_" + name;
    return PgSql.fitIdentifier(full);
  }

  private static List<String> withTenant(DdlRequest r, List<String> columns) {
    if (r.tenantColumn() == null) {
      return columns;
    }
    List<String> out = new ArrayList<>(columns.size() + 1);
    out.add(r.tenantColumn());
    out.addAll(columns);
    return out;
  }

  /**
   * Moves a sequence to the first value it may issue: past the largest copied value (several tenants'
   * rows may share the table), at least to the source's position (values it issued for rows since
   * deleted or never committed must not come back), and never backwards (the target's own sequence may be
   * ahead already, in the modes that keep tables).
   */
  private static String setval(String sequenceExpr, String table, SourceColumn column) {
    String next = column.sequenceNext() == null ? "" : ", " + column.sequenceNext();
    return "SELECT setval(" + sequenceExpr + ", greatest(coalesce(max(" + PgSql.ident(column.name()) + "), 0) + 1" + next
        + ", coalesce(pg_sequence_last_value(" + sequenceExpr + "::regclass) + 1, 1)), false) FROM " + table;
  }

  private static String sequenceType(String columnType) {
    return switch (columnType) {
      case "smallint", "integer", "bigint" -> " AS " + columnType;
      default -> "";
    };
  }

  private static String regclass(TableName table) {
    return PgSql.literal(PgSql.table(table)) + "::regclass";
  }

  private static String guard(String existsQuery, String statement) {
    return "DO $ferry$ BEGIN IF NOT EXISTS (" + existsQuery + ") THEN " + statement + "; END IF; END $ferry$";
  }
}
