package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import org.junit.jupiter.api.Test;

class SchemaScriptTest {

  private static final String PLAN = """
      {"name": "nightly", "types": ["CREATE SCHEMA IF NOT EXISTS \\"dbo\\"",
         "CREATE COLLATION IF NOT EXISTS \\"dbo\\".\\"ferry_ci_as\\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"],
       "tables": [
         {"table": "dbo.orders", "tenants": ["d1", "d2"], "warnings": ["d1: no index\\nDROP TABLE x"],
          "ddl": ["CREATE TABLE \\"dbo\\".\\"orders\\" (id integer)"], "finish": ["ALTER TABLE \\"dbo\\".\\"orders\\" ADD PRIMARY KEY (id);"],
          "foreignKeys": ["ALTER TABLE \\"dbo\\".\\"orders\\" ADD FOREIGN KEY (c) REFERENCES \\"dbo\\".\\"customers\\""]},
         {"table": "dbo.customers", "tenants": ["d1", "d2"], "warnings": [],
          "ddl": ["CREATE TABLE \\"dbo\\".\\"customers\\" (c integer)"], "finish": ["ANALYZE \\"dbo\\".\\"customers\\""],
          "foreignKeys": []}]}""";

  private static SchemaScript script(String generatedAt) throws Exception {
    return script(SchemaScript.Engine.POSTGRESQL, generatedAt);
  }

  private static SchemaScript script(SchemaScript.Engine engine, String generatedAt) throws Exception {
    JsonNode plan = Json.mapper().readTree(PLAN);
    return new SchemaScript(engine, new SchemaScript.Header("nightly's", "sqlserver, tenants d1, d2", "create", generatedAt,
        "ferry 0.1.0"), plan);
  }

  @Test
  void statementsComeInTheOrderAJobRunsThemWithForeignKeysLast() throws Exception {
    String text = script("2026-12-07T06:00:00Z").text();
    assertThat(text).containsSubsequence("job nightly's", "sqlserver, tenants d1, d2", "2026-12-07T06:00:00Z", "ferry 0.1.0",
        "psql -v ON_ERROR_STOP=1 --single-transaction",
        SchemaScript.BEGIN, "CREATE COLLATION IF NOT EXISTS \"dbo\".\"ferry_ci_as\"", "-- table dbo.orders",
        "CREATE TABLE \"dbo\".\"orders\" (id integer);\n", "ADD PRIMARY KEY (id);\n", "-- table dbo.customers",
        "ANALYZE \"dbo\".\"customers\";\n", "-- foreign keys", "REFERENCES \"dbo\".\"customers\";\n", SchemaScript.END,
        "CREATE TABLE IF NOT EXISTS ferry.schema_scripts", "INSERT INTO ferry.schema_scripts");
    assertThat(text).doesNotContain(";;");
  }

  @Test
  void aWarningStaysAComment() throws Exception {
    assertThat(script("t").text()).contains("-- warning: d1: no index\n-- DROP TABLE x\n");
  }

  @Test
  void theChecksumIsOverTheBodyAloneSoTheGenerationTimeDoesNotChangeIt() throws Exception {
    SchemaScript a = script("2026-12-07T06:00:00Z");
    SchemaScript b = script("2027-01-01T00:00:00Z");
    assertThat(a.checksum()).isEqualTo(b.checksum()).hasSize(64);
    String text = a.text();
    String body = text.substring(text.indexOf(SchemaScript.BEGIN + "\n") + SchemaScript.BEGIN.length() + 1,
        text.indexOf(SchemaScript.END));
    assertThat(SchemaScript.sha256(body)).isEqualTo(a.checksum());
    assertThat(text).contains(SchemaScript.END + " sha256=" + a.checksum() + "\n")
        .contains("VALUES ('" + a.checksum() + "', 'nightly''s') ON CONFLICT (checksum) DO NOTHING;");
  }

  @Test
  void aSqlServerScriptEndsEachStatementWithGoAndRecordsItsChecksumInOneTransaction() throws Exception {
    SchemaScript script = script(SchemaScript.Engine.SQLSERVER, "2026-12-07T06:00:00Z");
    String text = script.text();
    assertThat(text).containsSubsequence("sqlcmd -b -i FILE.sql", "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\nGO\n",
        SchemaScript.BEGIN, "CREATE TABLE \"dbo\".\"orders\" (id integer);\nGO\n", "ADD PRIMARY KEY (id);\nGO\n",
        SchemaScript.END + " sha256=" + script.checksum(), "IF SCHEMA_ID('ferry') IS NULL EXEC('CREATE SCHEMA ferry');\nGO\n",
        "IF OBJECT_ID('ferry.schema_scripts', 'U') IS NULL CREATE TABLE ferry.schema_scripts",
        "INSERT INTO ferry.schema_scripts (checksum, job) VALUES ('" + script.checksum() + "', N'nightly''s');\nGO\n",
        "COMMIT TRANSACTION;\nGO\n");
    assertThat(text).doesNotContain(";;", "ON CONFLICT", "timestamptz").endsWith("COMMIT TRANSACTION;\nGO\n");
    String body = text.substring(text.indexOf(SchemaScript.BEGIN + "\n") + SchemaScript.BEGIN.length() + 1,
        text.indexOf(SchemaScript.END));
    assertThat(SchemaScript.sha256(body)).isEqualTo(script.checksum());
    assertThat(script.checksum()).isNotEqualTo(script(SchemaScript.Engine.POSTGRESQL, "t").checksum());
  }

  @Test
  void scriptsAreWrittenForPostgresqlAndSqlServerTargetsOnly() {
    assertThat(SchemaScript.Engine.of("PostgreSQL")).isEqualTo(SchemaScript.Engine.POSTGRESQL);
    assertThat(SchemaScript.Engine.of("sqlserver")).isEqualTo(SchemaScript.Engine.SQLSERVER);
    assertThat(SchemaScript.Engine.of("oracle")).isNull();
  }
}
