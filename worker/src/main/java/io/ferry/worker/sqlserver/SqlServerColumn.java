package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceColumn;

/**
 * One column as SQL Server's catalog describes it, before it becomes an engine-neutral {@link SourceColumn}.
 *
 * @param typeName     the system type's name ({@code nvarchar}); an alias type's base type
 * @param maxLength    bytes as {@code sys.columns.max_length} gives them (-1: {@code max}; n-types count 2 per character)
 * @param collation    the column's collation name; null for types without one
 * @param identitySeed null unless the column is an identity column
 * @param identityNext the value the identity would issue next: the seed when no row was ever inserted
 * @param computed     a computed column's definition, else null; computed columns are not copied
 * @param defaultExpr  the default constraint's definition, else null
 */
record SqlServerColumn(String name, String typeName, int maxLength, int precision, int scale, boolean nullable,
                       String collation, Long identitySeed, Long identityIncrement, Long identityNext, String computed,
                       String defaultExpr) {

  /** The type as it is written in T-SQL DDL: {@code nvarchar(50)}, {@code varchar(max)}, {@code decimal(18,4)}. */
  String sqlType() {
    return switch (typeName) {
      case "varchar", "char", "varbinary", "binary" -> typeName + "(" + (maxLength < 0 ? "max" : maxLength) + ")";
      case "nvarchar", "nchar" -> typeName + "(" + (maxLength < 0 ? "max" : maxLength / 2) + ")";
      case "decimal", "numeric" -> typeName + "(" + precision + "," + scale + ")";
      case "datetime2", "datetimeoffset", "time" -> typeName + "(" + scale + ")";
      case "float" -> precision == 53 ? "float" : "float(" + precision + ")";
      default -> typeName;
    };
  }

  SourceColumn toSourceColumn() {
    // SQL Server refuses explicit values and updates of an identity column unless asked: GENERATED ALWAYS.
    String identity = identitySeed == null ? null : "always";
    return new SourceColumn(name, sqlType(), nullable, defaultExpr, computed, identity, null, collation, identityNext);
  }
}
