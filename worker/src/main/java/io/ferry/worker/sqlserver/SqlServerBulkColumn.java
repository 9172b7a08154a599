package io.ferry.worker.sqlserver;

import java.sql.Types;

/**
 * One written column of a SQL Server target table, as the bulk copy API and the writer's statements need
 * it: its type as the catalog prints it, the JDBC type and size the bulk copy API is told, and how its
 * fields are decoded ({@link SqlServerWire}).
 *
 * @param streamed a long value may arrive as a stream ({@code (max)} types): the bulk copy API reads it as one
 */
record SqlServerBulkColumn(String name, String type, int jdbcType, int precision, int scale, boolean identity,
                           boolean streamed, boolean textual, SqlServerWire.FieldDecoder decoder) {

  static SqlServerBulkColumn of(SqlServerColumn c) {
    String type = c.sqlType();
    SqlServerType t = SqlServerType.parse(type);
    boolean max = c.maxLength() < 0;
    int length = t.name().startsWith("n") ? c.maxLength() / 2 : c.maxLength();
    int[] jdbc = switch (t.name()) {
      case "bigint" -> new int[] {Types.BIGINT, 19, 0};
      case "int" -> new int[] {Types.INTEGER, 10, 0};
      case "smallint" -> new int[] {Types.SMALLINT, 5, 0};
      case "tinyint" -> new int[] {Types.TINYINT, 3, 0};
      case "bit" -> new int[] {Types.BIT, 1, 0};
      case "decimal", "numeric", "money", "smallmoney" -> new int[] {Types.DECIMAL, c.precision(), c.scale()};
      case "float" -> new int[] {Types.DOUBLE, 15, 0};
      case "real" -> new int[] {Types.REAL, 7, 0};
      case "date" -> new int[] {Types.DATE, 10, 0};
      case "time" -> new int[] {Types.TIME, 16, c.scale()};
      case "datetime2" -> new int[] {Types.TIMESTAMP, 27, c.scale()};
      case "datetime" -> new int[] {microsoft.sql.Types.DATETIME, 23, 3};
      case "smalldatetime" -> new int[] {microsoft.sql.Types.SMALLDATETIME, 16, 0};
      case "datetimeoffset" -> new int[] {microsoft.sql.Types.DATETIMEOFFSET, 34, c.scale()};
      case "char" -> new int[] {Types.CHAR, length, 0};
      case "nchar" -> new int[] {Types.NCHAR, length, 0};
      case "varchar" -> max ? new int[] {Types.LONGVARCHAR, 0, 0} : new int[] {Types.VARCHAR, length, 0};
      case "nvarchar", "sysname" -> max ? new int[] {Types.LONGNVARCHAR, 0, 0} : new int[] {Types.NVARCHAR, length, 0};
      case "text" -> new int[] {Types.LONGVARCHAR, 0, 0};
      case "ntext", "xml" -> new int[] {Types.LONGNVARCHAR, 0, 0};
      case "binary" -> new int[] {Types.BINARY, length, 0};
      case "varbinary" -> max ? new int[] {Types.LONGVARBINARY, 0, 0} : new int[] {Types.VARBINARY, length, 0};
      case "image" -> new int[] {Types.LONGVARBINARY, 0, 0};
      case "uniqueidentifier" -> new int[] {Types.CHAR, 36, 0};
      // The bulk copy API sends a CLR type's serialization as varbinary, which the server converts to the type.
      case "hierarchyid", "geography", "geometry" -> max ? new int[] {Types.LONGVARBINARY, 0, 0}
          : new int[] {Types.VARBINARY, length, 0};
      case "sql_variant" -> new int[] {microsoft.sql.Types.SQL_VARIANT, 0, 0};
      default -> throw new IllegalArgumentException("column " + c.name() + ": Ferry cannot write SQL Server type " + type);
    };
    return new SqlServerBulkColumn(c.name(), type, jdbc[0], jdbc[1], jdbc[2], c.identitySeed() != null,
        SqlServerWire.streamable(type), SqlServerWire.textual(type), SqlServerWire.decoder(type));
  }

  /** The same column in a table where it is no identity (a staging table). */
  SqlServerBulkColumn withoutIdentity() {
    return new SqlServerBulkColumn(name, type, jdbcType, precision, scale, false, streamed, textual, decoder);
  }

  /**
   * A {@code sql_variant} column: the bulk copy API takes its values only from a SQL Server result set
   * (mssql-jdbc issue 2442), so its rows are written by {@code INSERT}s that declare each value's base type.
   */
  boolean variant() {
    return SqlServerType.parse(type).name().equals("sql_variant");
  }

  /** The parameter marker of a multi-row {@code INSERT} for {@code value}, a variant's carrying its base type. */
  String marker(Object value) {
    return value instanceof SqlServerVariant v ? v.marker() : marker();
  }

  /**
   * The parameter marker of a multi-row {@code INSERT}: temporal values and GUIDs are bound as their exact
   * text and converted by the server, which keeps all 7 fractional digits and the offset.
   */
  String marker() {
    return switch (SqlServerType.parse(type).name()) {
      case "date", "time", "datetime2", "datetime", "smalldatetime" -> "CAST(? AS datetime2(7))";
      case "datetimeoffset" -> "CAST(? AS datetimeoffset(7))";
      case "uniqueidentifier" -> "CAST(? AS uniqueidentifier)";
      default -> "?";
    };
  }
}
