package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TypeMapping;
import io.ferry.worker.postgres.PgSql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL type each SQL Server type lands in (the table in {@code docs/sqlserver.md}). Target types
 * are written as PostgreSQL's {@code format_type} prints them, so the same text serves the DDL and the
 * comparison with an existing target column. Every column travels as binary COPY encoded by
 * {@link SqlServerEncoders}; the values of types PostgreSQL has no counterpart for are converted, and
 * each such column is named in the mapping's warnings.
 */
public final class SqlServerTypes {

  /** PostgreSQL keeps at most microseconds; SQL Server's 7 fractional digits are rounded to 6. */
  private static final int PG_MAX_FRACTION = 6;

  private SqlServerTypes() {
  }

  /** SQL Server types whose columns have a collation. */
  private static final Set<String> TEXT_TYPES = Set.of("char", "nchar", "varchar", "nvarchar", "text", "ntext", "sysname");
  /** Binary collations compare by code point, as PostgreSQL's {@code "C"} does over UTF-8. */
  static final String BINARY_COLLATION = "\"pg_catalog\".\"C\"";

  /** The functions the translated defaults call that a target may lack ({@code newid()}'s translation). */
  private static List<String> functions(SourceTable table) {
    boolean randomUuid = table.columns().stream()
        .anyMatch(c -> c.defaultExpr() != null && c.defaultExpr().contains(SqlServerExpressions.RANDOM_UUID));
    return randomUuid ? List.of(SqlServerExpressions.RANDOM_UUID) : List.of();
  }

  /** Whether a column of this SQL Server type is text with a collation. */
  static boolean isText(String sqlServerType) {
    return TEXT_TYPES.contains(SqlServerType.parse(sqlServerType).name());
  }

  /** Every column mapped, collations included, ICU collations created in the table's own schema. */
  public static TypeMapping map(SourceTable table) {
    return map(table, null, true);
  }

  /**
   * Every column of the table, generated ones included, mapped to its PostgreSQL type; with
   * {@code mapCollations}, text columns get the collation that compares as theirs did (see
   * {@link SqlServerCollations}), created in {@code targetSchema} (when null: the table's schema).
   */
  public static TypeMapping map(SourceTable table, String targetSchema, boolean mapCollations) {
    String schema = targetSchema == null || targetSchema.isBlank() ? table.name().schema() : targetSchema;
    Map<String, TypeMapping.ColumnType> columns = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    Set<String> statements = new LinkedHashSet<>();
    Set<String> required = new LinkedHashSet<>();
    for (SourceColumn c : table.columns()) {
      String target = targetType(c.type());
      String collation = null;
      if (mapCollations && c.collation() != null && TEXT_TYPES.contains(SqlServerType.parse(c.type()).name())) {
        collation = collation(table.name() + "." + c.name(), c.collation(), schema, statements, required, warnings);
      }
      columns.put(c.name(), new TypeMapping.ColumnType(target, null, target, collation));
      String converted = conversion(c.type());
      if (converted != null) {
        warnings.add(table.name() + "." + c.name() + ": " + c.type() + " lands as " + target + " (" + converted + ")");
      }
    }
    return new TypeMapping(List.copyOf(statements), columns, warnings, List.copyOf(required),
        statements.isEmpty() ? List.of() : List.of("icu"), functions(table));
  }

  /** The target collation of one column (null: the database default), adding what it needs to exist. */
  private static String collation(String column, String sqlServer, String schema, Set<String> statements,
      Set<String> required, List<String> warnings) {
    SqlServerCollations.Parsed parsed = SqlServerCollations.parse(sqlServer);
    if (parsed == null) {
      warnings.add(column + ": collation " + sqlServer + " is not one Ferry maps: the column takes the target database's"
          + " default collation");
      return null;
    }
    SqlServerCollations.Comparison comparison = parsed.comparison();
    if (comparison == SqlServerCollations.Comparison.BINARY) {
      required.add(BINARY_COLLATION);
      return BINARY_COLLATION;
    }
    if (comparison.icuLocale == null) {
      return null;
    }
    String name = PgSql.ident(schema) + "." + PgSql.ident(comparison.collationName());
    statements.add("CREATE SCHEMA IF NOT EXISTS " + PgSql.ident(schema));
    statements.add("CREATE COLLATION IF NOT EXISTS " + name + " (provider = icu, locale = "
        + PgSql.literal(comparison.icuLocale) + ", deterministic = false)");
    if (parsed.language() != null) {
      warnings.add(column + ": collation " + sqlServer + " lands as " + name + ", ICU's root locale: its case and accent"
          + " sensitivity are kept, the " + parsed.language() + " ordering rules are not");
    }
    if (!parsed.lost().isEmpty()) {
      warnings.add(column + ": collation " + sqlServer + " is " + String.join(" and ", parsed.lost()) + " sensitive, "
          + name + " is not");
    }
    return name;
  }

  /** The PostgreSQL type of a SQL Server type, as {@code format_type} prints it. */
  public static String targetType(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "bigint" -> "bigint";
      case "int" -> "integer";
      case "smallint", "tinyint" -> "smallint";
      case "bit" -> "boolean";
      case "decimal", "numeric" -> "numeric(" + t.arg(0, 18) + "," + t.arg(1, 0) + ")";
      case "money" -> "numeric(19,4)";
      case "smallmoney" -> "numeric(10,4)";
      case "float" -> t.arg(0, 53) <= 24 ? "real" : "double precision";
      case "real" -> "real";
      case "date" -> "date";
      case "time" -> "time(" + fraction(t) + ") without time zone";
      case "datetime" -> "timestamp(3) without time zone";
      case "smalldatetime" -> "timestamp(0) without time zone";
      case "datetime2" -> "timestamp(" + fraction(t) + ") without time zone";
      case "datetimeoffset" -> "timestamp(" + fraction(t) + ") with time zone";
      case "char", "nchar", "varchar", "nvarchar" -> t.max() ? "text" : "character varying(" + t.arg(0, 1) + ")";
      case "text", "ntext" -> "text";
      case "sysname" -> "character varying(128)";
      case "binary", "varbinary", "image", "timestamp", "rowversion" -> "bytea";
      case "uniqueidentifier" -> "uuid";
      case "xml" -> "xml";
      case "sql_variant", "hierarchyid", "geography", "geometry" -> "text";
      default -> throw new IllegalArgumentException("no PostgreSQL type for SQL Server type " + sqlServerType);
    };
  }

  /** How a type's values are converted on the way, or null when they land as they are. */
  static String conversion(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "sql_variant" -> "the value as text; its base type is not kept";
      case "hierarchyid" -> "the path as ToString() prints it, e.g. /1/3/";
      case "geography", "geometry" -> "extended WKT, SRID=4326;POINT (…), which PostGIS casts from text; Z and M values are dropped";
      case "time", "datetime2", "datetimeoffset" -> t.arg(0, 7) > PG_MAX_FRACTION ? "rounded to microseconds" : null;
      default -> null;
    };
  }

  /** Fractional-second digits: SQL Server's default and maximum is 7, PostgreSQL's maximum 6. */
  private static int fraction(SqlServerType t) {
    return Math.min(t.arg(0, 7), PG_MAX_FRACTION);
  }
}
