package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlServerTypesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      bigint             | bigint
      int                | integer
      smallint           | smallint
      tinyint            | smallint
      bit                | boolean
      decimal(18,4)      | numeric(18,4)
      numeric(38,0)      | numeric(38,0)
      money              | numeric(19,4)
      smallmoney         | numeric(10,4)
      float              | double precision
      float(53)          | double precision
      float(24)          | real
      real               | real
      date               | date
      time(3)            | time(3) without time zone
      time(7)            | time(6) without time zone
      datetime           | timestamp(3) without time zone
      smalldatetime      | timestamp(0) without time zone
      datetime2(7)       | timestamp(6) without time zone
      datetime2(0)       | timestamp(0) without time zone
      datetimeoffset(7)  | timestamp(6) with time zone
      datetimeoffset(2)  | timestamp(2) with time zone
      char(10)           | character varying(10)
      nchar(5)           | character varying(5)
      varchar(20)        | character varying(20)
      nvarchar(4000)     | character varying(4000)
      varchar(max)       | text
      nvarchar(max)      | text
      text               | text
      ntext              | text
      sysname            | character varying(128)
      binary(4)          | bytea
      varbinary(100)     | bytea
      varbinary(max)     | bytea
      image              | bytea
      timestamp          | bytea
      uniqueidentifier   | uuid
      xml                | xml
      sql_variant        | text
      hierarchyid        | text
      geography          | text
      geometry           | text
      """)
  void mapsEveryType(String sqlServer, String postgres) {
    assertThat(SqlServerTypes.targetType(sqlServer)).isEqualTo(postgres);
  }

  @Test
  void anUnknownTypeIsRefusedByName() {
    assertThatThrownBy(() -> SqlServerTypes.targetType("vector(3)")).hasMessageContaining("vector(3)");
  }

  @Test
  void convertedColumnsAreWarnedAboutAndAllTravelAsBinary() {
    SourceTable table = new SourceTable(new TableName("dbo", "t"), false, List.of(
        SourceColumn.plain("id", "int", false), SourceColumn.plain("v", "sql_variant", true),
        SourceColumn.plain("at", "datetime2(7)", true), SourceColumn.plain("ms", "datetime2(3)", true)),
        List.of("id"), List.of(), List.of(), 0, 0);
    TypeMapping mapping = SqlServerTypes.map(table);
    assertThat(mapping.columns().get("id").targetType()).isEqualTo("integer");
    assertThat(mapping.columns().get("v").portable()).isEqualTo("text");
    assertThat(mapping.copyFormat(table)).isEqualTo(io.ferry.protocol.plan.CopyFormat.BINARY);
    assertThat(mapping.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("dbo.t.v", "sql_variant"))
        .anySatisfy(w -> assertThat(w).contains("dbo.t.at", "rounded to microseconds"));
  }

  /** {@code newid()} lands as {@code gen_random_uuid()}, which the target's preflight then looks for. */
  @Test
  void aDefaultCallingGenRandomUuidNamesTheFunction() {
    SourceTable plain = new SourceTable(new TableName("dbo", "t"), false, List.of(SourceColumn.plain("id", "int", false)),
        List.of("id"), List.of(), List.of(), 0, 0);
    assertThat(SqlServerTypes.map(plain).functions()).isEmpty();
    SourceTable withNewid = SqlServerExpressions.forPostgres(new SourceTable(new TableName("dbo", "t"), false,
        List.of(new SourceColumn("id", "uniqueidentifier", false, "(newid())", null, null, null)),
        List.of("id"), List.of(), List.of(), 0, 0), new java.util.ArrayList<>());
    assertThat(withNewid.columns().get(0).defaultExpr()).isEqualTo("(gen_random_uuid())");
    assertThat(SqlServerTypes.map(withNewid).functions()).containsExactly("gen_random_uuid()");
  }
}
