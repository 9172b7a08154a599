package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlServerExpressionsTest {

  static final Map<String, String> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("qty", "int");
    TYPES.put("price", "decimal(10,2)");
    TYPES.put("status", "char(1)");
    TYPES.put("name", "nvarchar(20)");
    TYPES.put("First Name", "nvarchar(20)");
    TYPES.put("created", "datetime");
    TYPES.put("stamp", "datetimeoffset(7)");
    TYPES.put("flag", "bit");
    TYPES.put("deleted", "bit");
    TYPES.put("x", "int");
    TYPES.put("odd]name", "int");
  }

  /** CHECK constraints, computed columns and index filters: T-SQL as the catalog prints it → PostgreSQL. */
  static final String TRANSLATED = """
      ([qty]>(0))                                  ~> ("qty" > (0))
      ((qty > 0))                                  ~> (("qty" > 0))
      ([price]*[qty])                              ~> ("price" * "qty")
      ([status]='A' OR [status]='B')               ~> ("status" = 'A' OR "status" = 'B')
      (((status = 'A') OR (status = 'B')))         ~> ((("status" = 'A') OR ("status" = 'B')))
      ([status]<>'it''s')                          ~> ("status" <> 'it''s')
      ([status]!=N'Ä')                             ~> ("status" <> 'Ä')
      (datepart(year,[created]))                   ~> (CAST(extract(year from "created") AS integer))
      datepart('year', created)                    ~> CAST(extract(year from "created") AS integer)
      (datepart(mm,[created])=(12))                ~> (CAST(extract(month from "created") AS integer) = (12))
      (isnull([x],(0)))                            ~> (coalesce("x", (0)))
      ([deleted]=(0))                              ~> ("deleted" = false)
      ((1)=[flag])                                 ~> (true = "flag")
      ([flag]<>(1) AND [qty]>=(2))                 ~> ("flag" <> true AND "qty" >= (2))
      (len([name])>(2))                            ~> (length(rtrim("name")) > (2))
      ([name]+N'!')                                ~> ("name" || '!')
      ([First Name]+' '+[name])                    ~> ("First Name" || ' ' || "name")
      ([qty]+(1))                                  ~> ("qty" + (1))
      ([odd]]name]>(0))                            ~> ("odd]name" > (0))
      ([name] IS NOT NULL)                         ~> ("name" IS NOT NULL)
      ([flag] IS NULL OR [flag]=[deleted])         ~> ("flag" IS NULL OR "flag" = "deleted")
      (CONVERT([int],[flag])+(1))                  ~> (CAST("flag" AS integer) + (1))
      ([qty] IN ((1),(2),(3)))                     ~> ("qty" IN ((1), (2), (3)))
      ([qty] BETWEEN (1) AND (9))                  ~> ("qty" BETWEEN (1) AND (9))
      ([name] like 'ab%')                          ~> ("name" LIKE 'ab%')
      (CONVERT([varchar](10),[qty]))               ~> (CAST("qty" AS character varying(10)))
      (CAST([price] AS [int]))                     ~> (CAST("price" AS integer))
      (upper([name]))                              ~> (upper("name"))
      (case when [qty]>(10) then 'big' else 'small' end) ~> (CASE WHEN "qty" > (10) THEN 'big' ELSE 'small' END)
      ([created]<getdate())                        ~> ("created" < LOCALTIMESTAMP)
      ([created]<=getutcdate())                    ~> ("created" <= (now() AT TIME ZONE 'utc'))
      ([created]<=CURRENT_TIMESTAMP)               ~> ("created" <= LOCALTIMESTAMP)
      """;

  /** Defaults, which take the type of their column: T-SQL → column type → PostgreSQL. */
  static final String DEFAULTS = """
      ((0))                       ~> int               ~> ((0))
      0                           ~> decimal(10,2)     ~> 0
      (N'abc')                    ~> nvarchar(20)      ~> ('abc')
      CAST(('abc') AS nvarchar(3)) ~> nvarchar(20)     ~> CAST(('abc') AS character varying(3))
      (getdate())                 ~> datetime          ~> (LOCALTIMESTAMP)
      (sysdatetime())             ~> datetime2(7)      ~> (LOCALTIMESTAMP)
      (getdate())                 ~> datetimeoffset(7) ~> (now())
      (sysdatetimeoffset())       ~> datetimeoffset(7) ~> (now())
      (getutcdate())              ~> datetime          ~> ((now() AT TIME ZONE 'utc'))
      (sysutcdatetime())          ~> datetime2(3)      ~> ((now() AT TIME ZONE 'utc'))
      (newid())                   ~> uniqueidentifier  ~> (gen_random_uuid())
      ((1))                       ~> bit               ~> true
      1                           ~> bit               ~> true
      ((0))                       ~> bit               ~> false
      (CONVERT([bit],(0)))        ~> bit               ~> (false)
      ('it''s')                   ~> varchar(10)       ~> ('it''s')
      """;

  private final SqlServerExpressions expressions = new SqlServerExpressions(TYPES);

  /** CHECK constraints, computed columns and index filters: T-SQL as the catalog prints it → PostgreSQL. */
  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '`', textBlock = TRANSLATED)
  void translates(String tsql, String postgres) {
    assertThat(expressions.translate(tsql, null)).extracting(SqlServerExpressions.Translation::text).isEqualTo(postgres);
  }

  /** Defaults take the type of their column. */
  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '`', textBlock = DEFAULTS)
  void translatesDefaults(String tsql, String columnType, String postgres) {
    assertThat(expressions.translate(tsql, columnType)).extracting(SqlServerExpressions.Translation::text)
        .isEqualTo(postgres);
  }

  /** What is not translated with certainty is not carried at all. */
  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '`', textBlock = """
      ([missing]>(0))                 ~> an unknown column
      (dbo.fn([qty]))                 ~> a user function
      (suser_sname())                 ~> a function outside the list
      ([qty]+[name])                  ~> + of a number and a text
      ([name]+[missing_fn]())         ~> + of an unknown result
      (datepart(weekday,[created]))   ~> a part that depends on DATEFIRST
      (datepart(second,[created]))    ~> seconds are fractional in PostgreSQL
      ([name] like '[A-Z]%')          ~> a SQL Server LIKE character class
      (CONVERT([varchar](10),[created],(120))) ~> a CONVERT style
      ([qty]>(0) -- note)             ~> a comment
      ([name]>'abc)                   ~> an unterminated string
      ([qty]>0x1F)                    ~> a binary literal
      ([flag]+(1))                    ~> arithmetic on bit
      ([flag]=(2))                    ~> a bit compared with 2
      ([flag] IN ((0),(1)))           ~> a bit in a list of numbers
      ([flag]>(0))                    ~> a bit ordered against a number
      (isnull([flag],(0)))            ~> a bit as a function argument
      (CAST([x] AS geometry2))        ~> an unknown type
      ([qty] !< (1))                  ~> a T-SQL-only operator
      """)
  void leavesOut(String tsql, String why) {
    assertThat(expressions.translate(tsql, null)).as(why).isNull();
  }

  /** A default PostgreSQL would not take for the column's type is not carried. */
  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '`', textBlock = """
      ((0))          ~> datetime          ~> a day count from 1900-01-01
      ((1))          ~> datetimeoffset(7) ~> a day count from 1900-01-01
      ((2))          ~> bit               ~> a bit other than 0 or 1
      ([qty]+(1))    ~> bit               ~> a number for a bit
      """)
  void leavesOutDefaults(String tsql, String columnType, String why) {
    assertThat(expressions.translate(tsql, columnType)).as(why).isNull();
  }

  @Test
  void marksWhatPostgresCannotGenerateFrom() {
    assertThat(expressions.translate("([price]*[qty])", null).immutable()).isTrue();
    assertThat(expressions.translate("(isnull([x],(0)))", null).immutable()).isTrue();
    assertThat(expressions.translate("(datepart(year,[created]))", null).immutable()).isTrue();
    assertThat(expressions.translate("(datepart(year,[stamp]))", null).immutable()).isFalse();
    assertThat(expressions.translate("(getdate())", null).immutable()).isFalse();
    assertThat(expressions.translate("(newid())", null).immutable()).isFalse();
    assertThat(expressions.translate("(CONVERT([varchar](30),[created]))", null).immutable()).isFalse();
    assertThat(expressions.translate("(CONVERT([varchar](30),[qty]))", null).immutable()).isTrue();
  }

  @Test
  void describesTheTableForPostgres() {
    List<SourceColumn> columns = List.of(
        SourceColumn.plain("id", "int", false),
        new SourceColumn("qty", "int", true, "((0))", null, null, null),
        new SourceColumn("flag", "bit", false, "((1))", null, null, null),
        new SourceColumn("made", "datetime", true, "(getdate())", null, null, null),
        new SourceColumn("odd", "int", true, "(dbo.next_odd())", null, null, null),
        new SourceColumn("total", "int", true, null, "([qty]*(2))", null, null),
        new SourceColumn("made_at", "datetime", true, null, "(getdate())", null, null),
        new SourceColumn("twice", "int", true, null, "([total]*(2))", null, null),
        new SourceColumn("weird", "int", true, null, "(dbo.f([qty]))", null, null));
    SourceIndex filtered = new SourceIndex("ux_live", true, false, "btree", List.of(SourceIndex.Key.column("qty")),
        List.of(), "([flag]=(1))");
    SourceIndex unknown = new SourceIndex("ux_odd", true, false, "btree", List.of(SourceIndex.Key.column("qty")),
        List.of(), "([qty]>dbo.f())");
    SourceTable table = new SourceTable(new TableName("dbo", "t"), false, columns, List.of("id"),
        List.of(filtered, unknown), List.of(), 0, 0, null, List.of(),
        List.of(new SourceCheck("ck_qty", "CHECK ([qty]>=(0))"), new SourceCheck("ck_fn", "CHECK (dbo.ok([qty])=(1))")));
    List<String> warnings = new ArrayList<>();

    SourceTable pg = SqlServerExpressions.forPostgres(table, warnings);

    assertThat(pg.column("qty").defaultExpr()).isEqualTo("((0))");
    assertThat(pg.column("flag").defaultExpr()).isEqualTo("true");
    assertThat(pg.column("made").defaultExpr()).isEqualTo("(LOCALTIMESTAMP)");
    assertThat(pg.column("odd").defaultExpr()).isNull();
    assertThat(pg.column("total").generatedExpr()).isEqualTo("(\"qty\" * (2))");
    assertThat(pg.column("made_at").generated()).isFalse();
    assertThat(pg.column("twice").generated()).isFalse();
    assertThat(pg.column("weird").generated()).isFalse();
    assertThat(pg.copiedColumns()).extracting(SourceColumn::name)
        .containsExactly("id", "qty", "flag", "made", "odd", "made_at", "twice", "weird");
    assertThat(pg.checks()).containsExactly(new SourceCheck("ck_qty", "CHECK (\"qty\" >= (0))"));
    assertThat(pg.indexes()).extracting(SourceIndex::name, SourceIndex::predicate)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ux_live", "(\"flag\" = true)"));
    assertThat(warnings).containsExactlyInAnyOrder(
        "table dbo.t: the default of column odd ((dbo.next_odd())) is not carried: Ferry cannot translate it to PostgreSQL",
        "table dbo.t: computed column made_at ((getdate())) lands as a plain column holding the copied values:"
            + " its PostgreSQL form (LOCALTIMESTAMP) is not immutable",
        "table dbo.t: computed column twice (([total]*(2))) lands as a plain column holding the copied values:"
            + " it reads another computed column, which PostgreSQL does not allow",
        "table dbo.t: computed column weird ((dbo.f([qty]))) lands as a plain column holding the copied values:"
            + " Ferry cannot translate its expression to PostgreSQL",
        "table dbo.t: CHECK constraint ck_fn ((dbo.ok([qty])=(1))) is not carried: Ferry cannot translate it to PostgreSQL",
        "table dbo.t: index ux_odd is not carried: Ferry cannot translate its filter (([qty]>dbo.f())) to PostgreSQL");
  }
}
