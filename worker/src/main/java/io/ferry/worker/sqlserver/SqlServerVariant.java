package io.ferry.worker.sqlserver;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code sql_variant} value on its way to a SQL Server target: its base type declared in full
 * ({@code decimal(10,2)}, {@code varchar(20)}, {@code datetime2(3)}), the collation of a character base type,
 * and the value in a form that converts back to exactly the same value of that type. The target writes it as
 * {@code CAST(CAST(? AS <base type>) AS sql_variant)} ({@link #marker}), so the variant lands with the
 * source's base type, precision, scale, length and collation.
 *
 * <p>The source reads the base type with {@code SQL_VARIANT_PROPERTY} and the value as text that SQL Server
 * documents as converting back without loss: {@code float}/{@code real} in style 3 (17 digits), money as
 * {@code decimal(19,4)}, temporal values in style 121 with all 7 fractional digits, binary values as bytes.
 * The wire field is UTF-8: the declaration, a newline, the collation (empty if none), a newline, the value
 * (lower-case hex for a binary base type).
 *
 * @param value a {@code String}, or {@code byte[]} for a binary base type
 */
record SqlServerVariant(String declaration, String collation, Object value) {

  private static final Pattern COLLATION = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern DECLARATION = Pattern.compile("[a-z0-9]+(\\([0-9]+(,[0-9]+)?\\))?");
  private static final HexFormat HEX = HexFormat.of();

  /** Reads a {@code sql_variant} column into its wire form. */
  static final ColumnEncoder ENCODER = new ColumnEncoder() {
    @Override
    public List<String> select(String column) {
      return SqlServerVariant.select(column);
    }

    @Override
    public void write(ResultSet rs, int first, CopyTuples out) throws SQLException {
      String base = rs.getString(first);
      if (base == null) {
        out.nullField();
        return;
      }
      String declaration = declaration(base, rs.getInt(first + 1), rs.getInt(first + 2), rs.getInt(first + 3));
      String collation = rs.getString(first + 4);
      String text = rs.getString(first + 5);
      byte[] binary = rs.getBytes(first + 6);
      String value = binary != null ? HEX.formatHex(binary) : text;
      out.field(wire(declaration, collation, value));
    }
  };

  /**
   * The select-list entries of a variant column: base type, precision, scale, maximum length, collation, the
   * value as exact text (non-binary base types) and the value as bytes (binary base types).
   */
  static List<String> select(String column) {
    String base = "CAST(SQL_VARIANT_PROPERTY(" + column + ", 'BaseType') AS nvarchar(128))";
    return List.of(base,
        "CAST(SQL_VARIANT_PROPERTY(" + column + ", 'Precision') AS int)",
        "CAST(SQL_VARIANT_PROPERTY(" + column + ", 'Scale') AS int)",
        "CAST(SQL_VARIANT_PROPERTY(" + column + ", 'MaxLength') AS int)",
        "CAST(SQL_VARIANT_PROPERTY(" + column + ", 'Collation') AS nvarchar(128))",
        // Typed NULLs keep every branch nvarchar (Babelfish types a CASE with bare NULLs as varchar).
        "CASE " + base
            + " WHEN 'binary' THEN CAST(NULL AS nvarchar(max)) WHEN 'varbinary' THEN CAST(NULL AS nvarchar(max))"
            + " WHEN 'float' THEN CONVERT(nvarchar(max), CAST(" + column + " AS float), 3)"
            + " WHEN 'real' THEN CONVERT(nvarchar(max), CAST(" + column + " AS float), 3)"
            + " WHEN 'money' THEN CAST(CAST(" + column + " AS decimal(19,4)) AS nvarchar(max))"
            + " WHEN 'smallmoney' THEN CAST(CAST(" + column + " AS decimal(19,4)) AS nvarchar(max))"
            + " WHEN 'time' THEN CONVERT(nvarchar(max), CAST(" + column + " AS time(7)), 121)"
            + " WHEN 'datetimeoffset' THEN CONVERT(nvarchar(max), CAST(" + column + " AS datetimeoffset(7)), 121)"
            + temporal(column, "date") + temporal(column, "datetime") + temporal(column, "smalldatetime")
            + temporal(column, "datetime2")
            + " ELSE CAST(" + column + " AS nvarchar(max)) END",
        "CASE " + base + " WHEN 'binary' THEN CAST(" + column + " AS varbinary(8000))"
            + " WHEN 'varbinary' THEN CAST(" + column + " AS varbinary(8000)) END");
  }

  private static String temporal(String column, String base) {
    return " WHEN '" + base + "' THEN CONVERT(nvarchar(max), CAST(" + column + " AS datetime2(7)), 121)";
  }

  /**
   * The base type as a column would declare it, from {@code SQL_VARIANT_PROPERTY}'s answers. Lengths are in
   * bytes there; a length outside SQL Server's range (Babelfish reports 65,535) becomes the largest allowed.
   */
  static String declaration(String baseType, int precision, int scale, int maxLength) {
    String base = baseType.toLowerCase(Locale.ROOT);
    return switch (base) {
      case "decimal", "numeric" -> base + "(" + precision + "," + scale + ")";
      case "time", "datetime2", "datetimeoffset" -> base + "(" + scale + ")";
      case "char", "varchar", "binary", "varbinary" -> base + "(" + (maxLength > 0 && maxLength <= 8000 ? maxLength : 8000) + ")";
      case "nchar", "nvarchar" -> base + "(" + (maxLength > 0 && maxLength <= 8000 ? maxLength / 2 : 4000) + ")";
      case "bigint", "int", "smallint", "tinyint", "bit", "float", "real", "money", "smallmoney", "date", "datetime",
           "smalldatetime", "uniqueidentifier" -> base;
      default -> throw new IllegalArgumentException("a sql_variant of base type " + baseType + ", which SQL Server does not"
          + " document as a base type");
    };
  }

  /** The wire field of a variant. */
  static byte[] wire(String declaration, String collation, String value) {
    return (declaration + "\n" + (collation == null ? "" : collation) + "\n" + value).getBytes(StandardCharsets.UTF_8);
  }

  /** The variant a wire field holds. */
  static SqlServerVariant decode(byte[] b, int offset, int length) {
    String field = new String(b, offset, length, StandardCharsets.UTF_8);
    int first = field.indexOf('\n');
    int second = field.indexOf('\n', first + 1);
    if (first < 0 || second < 0) {
      throw new IllegalArgumentException("a sql_variant field without its base type and collation");
    }
    String declaration = field.substring(0, first);
    String collation = field.substring(first + 1, second);
    String value = field.substring(second + 1);
    if (!DECLARATION.matcher(declaration).matches()) {
      throw new IllegalArgumentException("a sql_variant of base type '" + declaration + "', which is not a type");
    }
    if (!collation.isEmpty() && !COLLATION.matcher(collation).matches()) {
      throw new IllegalArgumentException("a sql_variant of collation '" + collation + "', which is not a collation name");
    }
    boolean binary = List.of("binary", "varbinary").contains(SqlServerType.parse(declaration).name());
    return new SqlServerVariant(declaration, collation.isEmpty() ? null : collation, binary ? HEX.parseHex(value) : value);
  }

  /**
   * The expression an {@code INSERT} gives for this value: its text converted to the base type, then to
   * {@code sql_variant}. {@code varchar} text converts through {@code nvarchar} in the value's own collation, so
   * its code page is the source's; date and time types go through {@code datetime2(7)}, which reads the 7-digit
   * text that {@code datetime} and {@code smalldatetime} cannot.
   */
  String marker() {
    String base = SqlServerType.parse(declaration).name();
    String collate = collation == null ? "" : " COLLATE " + collation;
    String typed = switch (base) {
      case "real" -> "CAST(CAST(? AS float) AS real)";
      case "date", "datetime", "smalldatetime", "datetime2" -> "CAST(CAST(? AS datetime2(7)) AS " + declaration + ")";
      case "char", "varchar" -> "CAST(CAST(? AS nvarchar(max))" + collate + " AS " + declaration + ")" + collate;
      case "nchar", "nvarchar" -> "CAST(? AS " + declaration + ")" + collate;
      default -> "CAST(? AS " + declaration + ")";
    };
    return "CAST(" + typed + " AS sql_variant)";
  }
}
