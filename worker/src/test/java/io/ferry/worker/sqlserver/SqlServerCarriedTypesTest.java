package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.worker.dialect.TableName;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the SQL Server target makes of {@code sql_variant}, {@code hierarchyid}, {@code geography} and
 * {@code geometry}, without a server: the source's select list, the wire form, the bulk copy declaration and the
 * {@code INSERT} markers. The values themselves are compared on servers in {@code SqlServerCarriedTypesIT} and
 * {@code SqlServer2022CarriedTypesIT}.
 */
class SqlServerCarriedTypesTest {

  private static final TableName TABLE = new TableName("dbo", "t");

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      int            | 10 | 0 | 4     | int
      numeric        | 12 | 3 | 17    | numeric(12,3)
      decimal        | 5  | 2 | 9     | decimal(5,2)
      datetime2      | 27 | 3 | 7     | datetime2(3)
      time           | 16 | 7 | 5     | time(7)
      datetimeoffset | 34 | 0 | 10    | datetimeoffset(0)
      varchar        | 0  | 0 | 20    | varchar(20)
      char           | 0  | 0 | 8000  | char(8000)
      nvarchar       | 0  | 0 | 40    | nvarchar(20)
      nchar          | 0  | 0 | 2     | nchar(1)
      varbinary      | 0  | 0 | 16    | varbinary(16)
      varchar        | 0  | 0 | 65535 | varchar(8000)
      nvarchar       | 0  | 0 | 65535 | nvarchar(4000)
      FLOAT          | 53 | 0 | 8     | float
      money          | 19 | 4 | 8     | money
      uniqueidentifier | 0 | 0 | 16  | uniqueidentifier
      """)
  void aVariantsBaseTypeIsDeclaredInFull(String base, int precision, int scale, int maxLength, String declaration) {
    assertThat(SqlServerVariant.declaration(base, precision, scale, maxLength)).isEqualTo(declaration);
  }

  @Test
  void aBaseTypeSqlServerDoesNotDocumentIsRefusedByName() {
    assertThatThrownBy(() -> SqlServerVariant.declaration("xml", 0, 0, -1)).hasMessageContaining("base type xml");
  }

  @Test
  void theSourceReadsBaseTypePropertiesAndTheValueInAnExactForm() {
    List<String> select = SqlServerVariant.select("[v]");
    assertThat(select).hasSize(7);
    assertThat(select.get(0)).isEqualTo("CAST(SQL_VARIANT_PROPERTY([v], 'BaseType') AS nvarchar(128))");
    assertThat(select.get(4)).isEqualTo("CAST(SQL_VARIANT_PROPERTY([v], 'Collation') AS nvarchar(128))");
    assertThat(select.get(5))
        .contains("WHEN 'float' THEN CONVERT(nvarchar(max), CAST([v] AS float), 3)")
        .contains("WHEN 'real' THEN CONVERT(nvarchar(max), CAST([v] AS float), 3)")
        .contains("WHEN 'money' THEN CAST(CAST([v] AS decimal(19,4)) AS nvarchar(max))")
        .contains("WHEN 'datetime' THEN CONVERT(nvarchar(max), CAST([v] AS datetime2(7)), 121)")
        .contains("WHEN 'datetimeoffset' THEN CONVERT(nvarchar(max), CAST([v] AS datetimeoffset(7)), 121)")
        .contains("WHEN 'varbinary' THEN CAST(NULL AS nvarchar(max))").endsWith("ELSE CAST([v] AS nvarchar(max)) END");
    assertThat(select.get(6)).contains("WHEN 'binary' THEN CAST([v] AS varbinary(8000))");
    assertThat(SqlServerWire.encoder("sql_variant").select("[v]")).isEqualTo(select);
  }

  @Test
  void aVariantTravelsAsItsDeclarationCollationAndValue() throws Exception {
    byte[] text = SqlServerVariant.wire("varchar(10)", "Latin1_General_CI_AS", "a\nb\u0000");
    assertThat(SqlServerWire.decoder("sql_variant").decode(text, 0, text.length))
        .isEqualTo(new SqlServerVariant("varchar(10)", "Latin1_General_CI_AS", "a\nb\u0000"));
    byte[] number = SqlServerVariant.wire("decimal(5,2)", null, "1.50");
    assertThat(new String(number, StandardCharsets.UTF_8)).isEqualTo("decimal(5,2)\n\n1.50");
    assertThat(SqlServerVariant.decode(number, 0, number.length)).isEqualTo(new SqlServerVariant("decimal(5,2)", null, "1.50"));
    byte[] binary = SqlServerVariant.wire("varbinary(4)", null, "00ff10");
    assertThat((byte[]) SqlServerVariant.decode(binary, 0, binary.length).value()).containsExactly(0x00, 0xff, 0x10);
  }

  @Test
  void aFieldThatIsNoVariantIsRefused() {
    byte[] injected = SqlServerVariant.wire("int) AS sql_variant); DROP TABLE t; --", null, "1");
    assertThatThrownBy(() -> SqlServerVariant.decode(injected, 0, injected.length)).hasMessageContaining("not a type");
    byte[] collation = SqlServerVariant.wire("varchar(3)", "x; DROP TABLE t", "a");
    assertThatThrownBy(() -> SqlServerVariant.decode(collation, 0, collation.length)).hasMessageContaining("not a collation");
    byte[] bare = "int".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SqlServerVariant.decode(bare, 0, bare.length)).hasMessageContaining("without its base type");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      int              |                      | CAST(CAST(? AS int) AS sql_variant)
      decimal(5,2)     |                      | CAST(CAST(? AS decimal(5,2)) AS sql_variant)
      real             |                      | CAST(CAST(CAST(? AS float) AS real) AS sql_variant)
      float            |                      | CAST(CAST(? AS float) AS sql_variant)
      money            |                      | CAST(CAST(? AS money) AS sql_variant)
      datetime         |                      | CAST(CAST(CAST(? AS datetime2(7)) AS datetime) AS sql_variant)
      date             |                      | CAST(CAST(CAST(? AS datetime2(7)) AS date) AS sql_variant)
      datetime2(3)     |                      | CAST(CAST(CAST(? AS datetime2(7)) AS datetime2(3)) AS sql_variant)
      time(7)          |                      | CAST(CAST(? AS time(7)) AS sql_variant)
      datetimeoffset(7)|                      | CAST(CAST(? AS datetimeoffset(7)) AS sql_variant)
      varbinary(16)    |                      | CAST(CAST(? AS varbinary(16)) AS sql_variant)
      varchar(10)      | Latin1_General_CS_AS | CAST(CAST(CAST(? AS nvarchar(max)) COLLATE Latin1_General_CS_AS AS varchar(10)) COLLATE Latin1_General_CS_AS AS sql_variant)
      nchar(3)         | French_CI_AS         | CAST(CAST(? AS nchar(3)) COLLATE French_CI_AS AS sql_variant)
      """)
  void anInsertConvertsAVariantsValueToItsBaseType(String declaration, String collation, String marker) {
    assertThat(new SqlServerVariant(declaration, collation, "x").marker()).isEqualTo(marker);
  }

  @Test
  void rowsOfVariantsDeclareEachValuesBaseType() {
    SqlServerBulkColumn id = SqlServerBulkColumn.of(column("id", "int", 4));
    SqlServerBulkColumn v = SqlServerBulkColumn.of(column("v", "sql_variant", 8016));
    assertThat(v.variant()).isTrue();
    assertThat(id.variant()).isFalse();
    List<Object[]> rows = List.of(new Object[] {1, new SqlServerVariant("int", null, "42")}, new Object[] {2, null});
    assertThat(SqlServerInsertBatches.insertSql(TABLE, List.of(id, v), rows)).isEqualTo("INSERT INTO [dbo].[t] ([id], [v])"
        + " VALUES (?, CAST(CAST(? AS int) AS sql_variant)), (?, ?)");
  }

  @Test
  void clrTypesAreBulkCopiedAsTheirSerializedBytes() throws Exception {
    SqlServerBulkColumn path = SqlServerBulkColumn.of(column("path", "hierarchyid", 892));
    assertThat(path.jdbcType()).isEqualTo(Types.VARBINARY);
    assertThat(path.precision()).isEqualTo(892);
    assertThat(path.streamed()).isFalse();
    assertThat(path.textual()).isFalse();
    for (String type : List.of("geography", "geometry")) {
      SqlServerBulkColumn shape = SqlServerBulkColumn.of(column("shape", type, -1));
      assertThat(shape.jdbcType()).as(type).isEqualTo(Types.LONGVARBINARY);
      assertThat(shape.streamed()).as("%s values past the spill size stream", type).isTrue();
      assertThat(shape.textual()).as(type).isFalse();
      assertThat(shape.marker()).as(type).isEqualTo("?");
      byte[] field = {0x00, (byte) 0xe6, 0x10, 0x00};
      assertThat((byte[]) shape.decoder().decode(field, 1, 2)).containsExactly(0xe6, 0x10);
    }
    assertThat(SqlServerWire.encoder("geography").select("[g]")).containsExactly("DATALENGTH([g])",
        "CAST([g] AS varbinary(max))");
    assertThat(SqlServerWire.encoder("hierarchyid").select("[h]")).containsExactly("DATALENGTH([h])",
        "CAST([h] AS varbinary(max))");
  }

  @Test
  void noneOfTheFourIsRefusedForASqlServerTarget() {
    for (String type : List.of("sql_variant", "hierarchyid", "geography", "geometry")) {
      assertThat(SqlServerTargetTypes.targetType(type)).isEqualTo(type);
    }
  }

  private static SqlServerColumn column(String name, String type, int maxLength) {
    return new SqlServerColumn(name, type, maxLength, 0, 0, true, null, null, null, null, null, null);
  }
}
