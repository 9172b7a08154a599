package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TypeMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a SQL Server table lands on a SQL Server target: every column keeps its type as the catalog prints
 * it and its collation, and travels in its exact form ({@link SqlServerWire}). An identity column's target
 * type carries its {@code IDENTITY(seed, increment)}. A {@code rowversion} lands as {@code binary(8)}
 * holding the source's value (the target cannot be given a row version).
 */
final class SqlServerTargetTypes {

  private SqlServerTargetTypes() {
  }

  /** @param catalog the table's columns as the source catalog gives them (for identity seeds and increments) */
  static TypeMapping map(SourceTable table, List<SqlServerColumn> catalog) {
    Map<String, SqlServerColumn> byName = new LinkedHashMap<>();
    catalog.forEach(c -> byName.put(c.name(), c));
    Map<String, TypeMapping.ColumnType> columns = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (SourceColumn c : table.columns()) {
      String type = targetType(c.type());
      if (!type.equals(c.type())) {
        warnings.add(table.name() + "." + c.name() + ": " + c.type() + " lands as " + type
            + " holding the source's values (a row version is the target's own)");
      }
      SqlServerColumn source = byName.get(c.name());
      String ddlType = source != null && source.identitySeed() != null && !c.generated()
          ? type + " IDENTITY(" + source.identitySeed() + ", " + source.identityIncrement() + ")" : type;
      // A sql_variant value carries its own collation; COLLATE belongs to character columns only.
      String collation = SqlServerType.parse(type).name().equals("sql_variant") ? null : c.collation();
      columns.put(c.name(), new TypeMapping.ColumnType(ddlType, null, type, collation));
    }
    return new TypeMapping(List.of(), columns, warnings);
  }

  /** The target type of a source type. */
  static String targetType(String sqlServerType) {
    return switch (SqlServerType.parse(sqlServerType).name()) {
      case "timestamp", "rowversion" -> "binary(8)";
      default -> sqlServerType;
    };
  }

  /** The type without an identity clause, as the catalog prints it. */
  static String bareType(String ddlType) {
    int identity = ddlType.indexOf(" IDENTITY(");
    return identity < 0 ? ddlType : ddlType.substring(0, identity);
  }
}
