package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TypeMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** Every column of the table, generated ones included, mapped to its PostgreSQL type. */
  public static TypeMapping map(SourceTable table) {
    Map<String, TypeMapping.ColumnType> columns = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (SourceColumn c : table.columns()) {
      String target = targetType(c.type());
      columns.put(c.name(), new TypeMapping.ColumnType(target, null, target, null));
      String converted = conversion(c.type());
      if (converted != null) {
        warnings.add(table.name() + "." + c.name() + ": " + c.type() + " lands as " + target + " (" + converted + ")");
      }
    }
    return new TypeMapping(List.of(), columns, warnings);
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
      case "geography", "geometry" -> "extended WKT, SRID=4326;POINT(…), which PostGIS casts from text";
      case "time", "datetime2", "datetimeoffset" -> t.arg(0, 7) > PG_MAX_FRACTION ? "rounded to microseconds" : null;
      default -> null;
    };
  }

  /** Fractional-second digits: SQL Server's default and maximum is 7, PostgreSQL's maximum 6. */
  private static int fraction(SqlServerType t) {
    return Math.min(t.arg(0, 7), PG_MAX_FRACTION);
  }
}
