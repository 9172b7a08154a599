package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.KeyText;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlServerCollationsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      SQL_Latin1_General_CP1_CI_AS        | CI_AS  | -
      SQL_Latin1_General_CP1_CS_AS        | CS_AS  | -
      SQL_Latin1_General_Pref_CP1_CI_AS   | CI_AS  | -
      SQL_Latin1_General_CP850_BIN        | BINARY | -
      Latin1_General_CI_AS                | CI_AS  | -
      Latin1_General_100_CI_AI            | CI_AI  | -
      Latin1_General_100_CS_AI            | CS_AI  | -
      Latin1_General_CS_AS                | CS_AS  | -
      Latin1_General_BIN                  | BINARY | -
      Latin1_General_BIN2                 | BINARY | -
      Latin1_General_100_CI_AS_SC_UTF8    | CI_AS  | -
      Latin1_General_100_BIN2_UTF8        | BINARY | -
      French_CI_AS                        | CI_AS  | french
      Japanese_XJIS_140_CI_AS_VSS         | CI_AS  | japanese_xjis
      sql_latin1_general_cp1_ci_as        | CI_AS  | -
      bbf_unicode_cp1_ci_as               | CI_AS  | -
      bbf_unicode_cp1_ci_ai               | CI_AI  | -
      bbf_unicode_cp1_cs_as               | CS_AS  | -
      bbf_unicode_general_ci_as           | CI_AS  | -
      bbf_unicode_bin2                    | BINARY | -
      french_ci_as                        | CI_AS  | french
      """)
  void readsTheComparisonFromSqlServerAndBabelfishNames(String name, String comparison, String language) {
    SqlServerCollations.Parsed parsed = SqlServerCollations.parse(name);
    assertThat(parsed.comparison()).isEqualTo(SqlServerCollations.Comparison.valueOf(comparison));
    assertThat(parsed.language()).isEqualTo(language);
  }

  @Test
  void unknownNamesAreNotGuessed() {
    assertThat(SqlServerCollations.parse("Latin1_General")).isNull();
    assertThat(SqlServerCollations.parse("C")).isNull();
    assertThat(SqlServerCollations.parse(null)).isNull();
  }

  @Test
  void kanaAndWidthSensitivityAreNamedAsLostOnlyWhereIcuDropsThem() {
    assertThat(SqlServerCollations.parse("Japanese_CI_AS_KS_WS").lost()).containsExactly("kana", "width");
    assertThat(SqlServerCollations.parse("Japanese_CS_AS_KS_WS").lost()).isEmpty();
  }

  @Test
  void textColumnsGetTheCollationThatComparesAsTheSourceDid() {
    TypeMapping mapping = SqlServerTypes.map(table(), null, true);
    assertThat(mapping.columns().get("id").collation()).isNull();
    assertThat(mapping.columns().get("ci").collation()).isEqualTo("\"dbo\".\"ferry_ci_as\"");
    assertThat(mapping.columns().get("ci_max").collation()).isEqualTo("\"dbo\".\"ferry_ci_as\"");
    assertThat(mapping.columns().get("ai").collation()).isEqualTo("\"dbo\".\"ferry_ci_ai\"");
    assertThat(mapping.columns().get("cs").collation()).isNull();
    assertThat(mapping.columns().get("bin").collation()).isEqualTo("\"pg_catalog\".\"C\"");
    assertThat(mapping.columns().get("odd").collation()).isNull();
    assertThat(mapping.statements()).containsExactly(
        "CREATE SCHEMA IF NOT EXISTS \"dbo\"",
        "CREATE COLLATION IF NOT EXISTS \"dbo\".\"ferry_ci_as\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
        "CREATE COLLATION IF NOT EXISTS \"dbo\".\"ferry_ci_ai\" (provider = icu, locale = 'und-u-ks-level1', deterministic = false)");
    assertThat(mapping.collations()).containsExactly("\"pg_catalog\".\"C\"");
    assertThat(mapping.providers()).containsExactly("icu");
    assertThat(mapping.warnings()).singleElement().asString().contains("dbo.t.odd", "Klingon", "default collation");
  }

  @Test
  void collationsLandInTheTargetSchemaWhenTheJobSetsOne() {
    TypeMapping mapping = SqlServerTypes.map(table(), "districts", true);
    assertThat(mapping.columns().get("ci").collation()).isEqualTo("\"districts\".\"ferry_ci_as\"");
    assertThat(mapping.statements()).first().isEqualTo("CREATE SCHEMA IF NOT EXISTS \"districts\"");
  }

  @Test
  void targetCollationsDefaultLeavesEveryColumnTheDatabaseDefault() {
    TypeMapping mapping = SqlServerTypes.map(table(), null, false);
    assertThat(mapping.columns().values()).allSatisfy(c -> assertThat(c.collation()).isNull());
    assertThat(mapping.statements()).isEmpty();
    assertThat(mapping.collations()).isEmpty();
    assertThat(mapping.providers()).isEmpty();
  }

  @Test
  void aLanguageCollationWarnsThatOnlyItsSensitivityIsKept() {
    SourceTable t = new SourceTable(new TableName("dbo", "t"), false, List.of(text("name", "nvarchar(20)", "French_CI_AS")),
        List.of(), List.of(), List.of(), 0, 0);
    assertThat(SqlServerTypes.map(t, null, true).warnings()).singleElement().asString()
        .contains("dbo.t.name", "French_CI_AS", "french ordering rules are not");
  }

  private static SourceTable table() {
    return new SourceTable(new TableName("dbo", "t"), false, List.of(
        SourceColumn.plain("id", "int", false),
        text("ci", "varchar(20)", "SQL_Latin1_General_CP1_CI_AS"),
        text("ci_max", "nvarchar(max)", "bbf_unicode_cp1_ci_as"),
        text("ai", "nchar(5)", "Latin1_General_100_CI_AI"),
        text("cs", "varchar(5)", "Latin1_General_CS_AS"),
        text("bin", "varchar(5)", "Latin1_General_BIN2"),
        text("odd", "varchar(5)", "Klingon")), List.of("id"), List.of(), List.of(), 0, 0);
  }

  private static SourceColumn text(String name, String type, String collation) {
    return new SourceColumn(name, type, true, null, null, null, null, collation, null);
  }

  /** A key's canonical text follows its collation's case and accent sensitivity; trailing spaces always go. */
  @Test
  void keyTextFollowsTheCollationsSensitivity() {
    assertThat(SqlServerCollations.keyText("SQL_Latin1_General_CP1_CI_AS")).isEqualTo(KeyText.CI_AS);
    assertThat(SqlServerCollations.keyText("bbf_unicode_cp1_ci_ai")).isEqualTo(KeyText.CI_AI);
    assertThat(SqlServerCollations.keyText("Latin1_General_100_CS_AI_SC_UTF8")).isEqualTo(KeyText.CS_AI);
    assertThat(SqlServerCollations.keyText("Latin1_General_CS_AS")).isEqualTo(KeyText.CS_AS);
    assertThat(SqlServerCollations.keyText("Latin1_General_BIN2")).isEqualTo(KeyText.CS_AS);
    assertThat(SqlServerCollations.keyText("Latin1_General")).isEqualTo(KeyText.CS_AS);
    SqlServerSource source = new SqlServerSource();
    assertThat(source.keyText(new SourceColumn("c", "nvarchar(20)", false, null, null, null, null,
        "Latin1_General_CI_AS", null))).isEqualTo(KeyText.CI_AS);
    assertThat(source.keyText(new SourceColumn("c", "char(4)", false, null, null, null, null, "Latin1_General_BIN", null)))
        .isEqualTo(KeyText.CS_AS);
    assertThat(source.keyText(SourceColumn.plain("id", "int", false))).isEqualTo(KeyText.EXACT);
    assertThat(source.keyText(SourceColumn.plain("g", "uniqueidentifier", false))).isEqualTo(KeyText.EXACT);
  }
}
