package io.ferry.worker.sqlserver;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * Target DDL for SQL Server, as pure functions of the source catalog description.
 *
 * <p>Prepare creates heaps without keys, indexes or defaults (identity columns keep their seed and
 * increment), because a bulk load into an unindexed heap is minimally logged and indexes built once are
 * cheaper than indexes maintained row by row. Finish adds, in order: defaults, the identity's position
 * ({@code DBCC CHECKIDENT}), CHECK constraints, the primary key, unique constraints and indexes. Index
 * builds create their statistics; SQL Server's automatic statistics cover the rest. With a tenant column
 * every key and unique index gets it in front, so uniqueness holds per tenant.
 *
 * <p>In the modes that keep existing tables ({@code truncate}, {@code append}, {@code upsert}) the table may
 * already carry its keys, so every finish statement looks first. {@code append} and {@code upsert} create a
 * missing table <em>with</em> its primary key: append must detect a duplicate key as it is written, and
 * upsert finds existing rows by it. {@code preserve_schema} creates nothing: prepare only drops the job's
 * foreign keys into the table (on record, as below), finish only moves identities past the copied values. {@code TRUNCATE TABLE} is refused while any foreign key references the table, so the
 * foreign keys into it from the job's tables are dropped first and recorded ({@link SqlServerForeignKeyDrops});
 * the job's last finish restores them.
 */
final class SqlServerDdl {

  /** What the tenant column holds: the tenant id, short enough to lead a key. */
  static final String TENANT_TYPE = "nvarchar(128)";

  private SqlServerDdl() {
  }

  static TableDdl build(DdlRequest request) {
    List<String> warnings = new ArrayList<>();
    return new TableDdl(prepare(request), finish(request, warnings), foreignKeys(request, warnings), warnings);
  }

  static List<String> prepare(DdlRequest r) {
    if (r.mode() == Mode.PRESERVE_SCHEMA) {
      // The tables stay as they are, but units load them in any order: the job's foreign keys into this one go
      // (on record) and the job's last finish restores them.
      return List.of(SqlServerForeignKeyDrops.dropSql(List.copyOf(r.jobTables().values()), List.of(r.target()), true,
          SqlServerForeignKeyDrops.SESSION_JOB, SqlServerForeignKeyDrops.SESSION_UNIT));
    }
    String table = SqlServerSql.table(r.target());
    List<String> out = new ArrayList<>();
    out.add("IF SCHEMA_ID(" + literal(r.target().schema()) + ") IS NULL EXEC(" + literal("CREATE SCHEMA "
        + SqlServerSql.ident(r.target().schema())) + ")");
    String create = "CREATE TABLE " + table + " (" + columns(r) + ")";
    switch (r.mode()) {
      case CREATE -> out.add(create);
      case DROP_RECREATE -> {
        out.add(dropReferencingForeignKeys(r.target()));
        out.add("DROP TABLE IF EXISTS " + table);
        out.add(create);
      }
      case TRUNCATE -> {
        out.add(ifMissing(r.target(), create));
        out.add(SqlServerForeignKeyDrops.dropSql(List.copyOf(r.jobTables().values()), List.of(r.target()), true,
            SqlServerForeignKeyDrops.SESSION_JOB, SqlServerForeignKeyDrops.SESSION_UNIT));
        out.add("TRUNCATE TABLE " + table);
      }
      case APPEND, UPSERT -> {
        String key = r.source().primaryKey().isEmpty() ? ""
            : ", CONSTRAINT " + SqlServerSql.ident(primaryKeyName(r.target())) + " PRIMARY KEY ("
                + SqlServerSql.idents(withTenant(r, r.source().primaryKey())) + ")";
        out.add(ifMissing(r.target(), "CREATE TABLE " + table + " (" + columns(r) + key + ")"));
        out.add(SqlServerForeignKeyDrops.dropSql(List.copyOf(r.jobTables().values()), List.of(r.target()), true,
            SqlServerForeignKeyDrops.SESSION_JOB, SqlServerForeignKeyDrops.SESSION_UNIT));
      }
      default -> throw new IllegalArgumentException("unsupported mode " + r.mode());
    }
    return out;
  }

  /** Column definitions: the tenant column first, then the source's columns with their types and collations. */
  static String columns(DdlRequest r) {
    List<String> defs = new ArrayList<>();
    if (r.tenantColumn() != null) {
      defs.add(SqlServerSql.ident(r.tenantColumn()) + " " + TENANT_TYPE + " NOT NULL");
    }
    for (SourceColumn c : r.source().columns()) {
      StringBuilder d = new StringBuilder(SqlServerSql.ident(c.name()));
      if (c.generated()) {
        // Computed columns are not copied: the target computes them from the copied ones.
        d.append(" AS ").append(c.generatedExpr());
      } else {
        d.append(' ').append(c.type());
        if (c.collation() != null) {
          d.append(" COLLATE ").append(c.collation());
        }
        d.append(c.nullable() ? " NULL" : " NOT NULL");
      }
      defs.add(d.toString());
    }
    return String.join(", ", defs);
  }

  static List<String> finish(DdlRequest r, List<String> warnings) {
    List<String> out = new ArrayList<>();
    if (r.mode() == Mode.PRESERVE_SCHEMA) {
      r.source().columns().stream().filter(c -> c.identity() != null && !c.generated())
          .forEach(c -> out.add(reseed(r.target(), c)));
      return out;
    }
    String table = SqlServerSql.table(r.target());
    for (SourceColumn c : r.source().columns()) {
      if (c.defaultExpr() != null && !c.generated()) {
        out.add("IF NOT EXISTS (SELECT 1 FROM sys.columns WHERE object_id = OBJECT_ID(" + literal(table) + ") AND name = "
            + literal(c.name()) + " AND default_object_id <> 0) ALTER TABLE " + table + " ADD DEFAULT " + c.defaultExpr()
            + " FOR " + SqlServerSql.ident(c.name()));
      }
      if (c.identity() != null && !c.generated()) {
        out.add(reseed(r.target(), c));
      }
    }
    for (SourceCheck check : r.source().checks()) {
      out.add(ifNoObject(r.target().schema(), check.name(), "C",
          "ALTER TABLE " + table + " ADD CONSTRAINT " + SqlServerSql.ident(check.name()) + " " + check.definition()));
    }
    if (!r.source().primaryKey().isEmpty()) {
      out.add("IF NOT EXISTS (SELECT 1 FROM sys.key_constraints WHERE parent_object_id = OBJECT_ID(" + literal(table)
          + ") AND type = 'PK') ALTER TABLE " + table + " ADD CONSTRAINT " + SqlServerSql.ident(primaryKeyName(r.target()))
          + " PRIMARY KEY (" + SqlServerSql.idents(withTenant(r, r.source().primaryKey())) + ")");
    }
    for (SourceIndex index : r.source().indexes()) {
      String statement = index(r, index, warnings);
      if (statement != null) {
        out.add(statement);
      }
    }
    return out;
  }

  private static String index(DdlRequest r, SourceIndex index, List<String> warnings) {
    if (index.keys().stream().anyMatch(k -> k.column() == null)) {
      warnings.add(r.target() + ": index " + index.name() + " has an expression key, which SQL Server indexes cannot have; not created");
      return null;
    }
    String table = SqlServerSql.table(r.target());
    List<String> keys = new ArrayList<>();
    if (index.unique() && r.tenantColumn() != null) {
      keys.add(SqlServerSql.ident(r.tenantColumn()));
    }
    index.keys().forEach(k -> keys.add(SqlServerSql.ident(k.column()) + (k.options().isBlank() ? "" : " " + k.options().trim())));
    if (index.constraint() && index.include().isEmpty() && index.predicate() == null) {
      return ifNoObject(r.target().schema(), index.name(), "UQ", "ALTER TABLE " + table + " ADD CONSTRAINT "
          + SqlServerSql.ident(index.name()) + " UNIQUE (" + String.join(", ", keys) + ")");
    }
    String create = "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX " + SqlServerSql.ident(index.name()) + " ON " + table
        + " (" + String.join(", ", keys) + ")"
        + (index.include().isEmpty() ? "" : " INCLUDE (" + SqlServerSql.idents(index.include()) + ")")
        + (index.predicate() == null ? "" : " WHERE " + index.predicate());
    return "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(" + literal(table) + ") AND name = "
        + literal(index.name()) + ") " + create;
  }

  /**
   * The foreign keys to tables of this job (the tenant column leads both sides, so references stay within a
   * tenant); one to a table outside the job cannot be recreated and is named in the warnings.
   */
  static List<String> foreignKeys(DdlRequest r, List<String> warnings) {
    if (r.mode() == Mode.PRESERVE_SCHEMA) {
      return List.of();
    }
    String table = SqlServerSql.table(r.target());
    List<String> out = new ArrayList<>();
    for (SourceForeignKey fk : r.source().foreignKeys()) {
      TableName referenced = r.jobTables().get(fk.referencedTable());
      if (referenced == null) {
        warnings.add(r.target() + ": foreign key " + fk.name() + " references " + fk.referencedTable()
            + ", which is not part of the job; not created");
        continue;
      }
      out.add(ifNoObject(r.target().schema(), fk.name(), "F", "ALTER TABLE " + table + " ADD CONSTRAINT "
          + SqlServerSql.ident(fk.name()) + " FOREIGN KEY (" + SqlServerSql.idents(withTenant(r, fk.columns())) + ") REFERENCES "
          + SqlServerSql.table(referenced) + " (" + SqlServerSql.idents(withTenant(r, fk.referencedColumns())) + ")"
          + " ON DELETE " + fk.onDelete() + " ON UPDATE " + fk.onUpdate()));
    }
    return out;
  }

  /**
   * Moves an identity so that the next value it issues is past the largest copied value (several tenants'
   * rows may share the table) and at least the source's next value (values the source issued for rows
   * since deleted must not come back), never backwards. {@code DBCC CHECKIDENT … RESEED, n} makes the next
   * value n itself on a table no row was ever inserted into, else n plus the increment. Identities that
   * count down are left as they are.
   */
  static String reseed(TableName target, SourceColumn c) {
    String table = literal(SqlServerSql.table(target));
    String column = SqlServerSql.ident(c.name());
    String sourceNext = c.sequenceNext() == null ? "NULL" : Long.toString(c.sequenceNext());
    return "IF COLUMNPROPERTY(OBJECT_ID(" + table + "), " + literal(c.name()) + ", 'IsIdentity') = 1 AND IDENT_INCR(" + table
        + ") > 0 BEGIN"
        + " DECLARE @incr decimal(38,0) = IDENT_INCR(" + table + ");"
        + " DECLARE @next decimal(38,0) = (SELECT MAX(" + column + ") FROM " + SqlServerSql.table(target) + ") + @incr;"
        + " DECLARE @source decimal(38,0) = " + sourceNext + ";"
        + " IF @next IS NULL OR @next < @source SET @next = @source;"
        + " DECLARE @used bit = CASE WHEN EXISTS (SELECT 1 FROM " + SqlServerSql.table(target) + ")"
        + " OR IDENT_CURRENT(" + table + ") <> IDENT_SEED(" + table + ") THEN 1 ELSE 0 END;"
        + " IF @next IS NOT NULL AND (@used = 0 OR IDENT_CURRENT(" + table + ") + @incr < @next) BEGIN"
        + " DECLARE @reseed decimal(38,0) = CASE WHEN @used = 1 THEN @next - @incr ELSE @next END;"
        // DBCC takes no variable, and Babelfish no N'' literal there: the statement is built as text.
        + " DECLARE @dbcc nvarchar(max) = " + literal("DBCC CHECKIDENT ('" + SqlServerSql.table(target).replace("'", "''")
            + "', RESEED, ") + " + CONVERT(nvarchar(40), @reseed) + N') WITH NO_INFOMSGS'; EXEC (@dbcc); END END";
  }

  /** Drops every foreign key referencing {@code target} from another table: {@code DROP TABLE} refuses a referenced table. */
  static String dropReferencingForeignKeys(TableName target) {
    return "DECLARE @drop nvarchar(max) = N''; SELECT @drop = @drop + N'ALTER TABLE ' + QUOTENAME(OBJECT_SCHEMA_NAME(parent_object_id))"
        + " + N'.' + QUOTENAME(OBJECT_NAME(parent_object_id)) + N' DROP CONSTRAINT ' + QUOTENAME(name) + N'; '"
        + " FROM sys.foreign_keys WHERE referenced_object_id = OBJECT_ID(" + literal(SqlServerSql.table(target))
        + ") AND parent_object_id <> referenced_object_id; IF @drop <> N'' EXEC sp_executesql @drop";
  }

  static String primaryKeyName(TableName table) {
    String name = "PK_" + table.name();
    return name.length() > 128 ? name.substring(0, 128) : name;
  }

  static String literal(String s) {
    return "N'" + s.replace("'", "''") + "'";
  }

  private static String ifMissing(TableName table, String statement) {
    return "IF OBJECT_ID(" + literal(SqlServerSql.table(table)) + ", N'U') IS NULL " + statement;
  }

  /** Constraint names are per schema in SQL Server. */
  private static String ifNoObject(String schema, String name, String type, String statement) {
    return "IF OBJECT_ID(" + literal(SqlServerSql.ident(schema) + "." + SqlServerSql.ident(name)) + ", N'" + type + "') IS NULL "
        + statement;
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
}
