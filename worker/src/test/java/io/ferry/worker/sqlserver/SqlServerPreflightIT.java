package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.preflight.Preflight;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A job whose source engine is sqlserver plans its tables through the SQL Server source dialect. */
class SqlServerPreflightIT {

  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static String sourceUrl;
  private static String targetUrl;

  @BeforeAll
  static void databases() throws Exception {
    sourceUrl = MSSQL.create("preflight");
    MSSQL.execute(sourceUrl,
        "CREATE TABLE dbo.districts (id int PRIMARY KEY, name nvarchar(40) NOT NULL, opened datetime2(3))",
        "CREATE TABLE dbo.codes (code varchar(20) NOT NULL UNIQUE, note nvarchar(max))",
        "CREATE TABLE dbo.log (at datetime, line nvarchar(200))",
        "INSERT INTO dbo.districts VALUES (1, N'North', '2020-01-02 03:04:05.678'), (2, N'South', NULL)",
        "INSERT INTO dbo.codes VALUES ('b', N'x'), ('A', N'y')");
    targetUrl = PG.create("mssql_preflight_tgt");
  }

  @AfterAll
  static void drop() throws Exception {
    MSSQL.close();
    PG.close();
  }

  @Test
  void plansEveryTableWithMappedTypesAndKeys() {
    var source = MSSQL.connection(sourceUrl);
    JobSpec spec = new JobSpec("mssql-preflight", new SourceSpec("sqlserver",
        List.of(new TenantSpec("d1", source.url(), source.user(), source.password()))),
        new TargetSpec("postgresql", targetUrl, PG.user(), PG.password(), null, "tenant_id"),
        new TableSelection(List.of("dbo.*"), List.of()), Mode.CREATE, null);
    PreflightReply reply = new Preflight().run(spec);

    assertThat(reply.problems()).isEmpty();
    assertThat(reply.plans()).extracting(TablePlan::sourceTable).containsExactlyInAnyOrder("dbo.districts", "dbo.codes", "dbo.log");

    TablePlan districts = plan(reply, "dbo.districts");
    assertThat(districts.columns()).extracting(c -> c.name() + " " + c.type())
        .containsExactly("id integer", "name character varying(40)", "opened timestamp(3) without time zone");
    assertThat(districts.copyFormatOrBinary()).isEqualTo(CopyFormat.BINARY);
    assertThat(districts.split().method()).isEqualTo(SplitMethod.PRIMARY_KEY);
    assertThat(districts.split().types()).containsExactly("int");
    assertThat(districts.split().orderPortable()).containsExactly(true);

    TablePlan codes = plan(reply, "dbo.codes");
    assertThat(codes.split().method()).isEqualTo(SplitMethod.UNIQUE_INDEX);
    assertThat(codes.split().orderPortable()).containsExactly(false);
    // Points follow the catalog's row estimate, which Babelfish reports as 0 (SqlServerSourceContractIT samples keys).

    assertThat(plan(reply, "dbo.log").split().method()).isEqualTo(SplitMethod.SINGLE_UNIT);
  }

  /** The guard of PostgreSQL applies: the same database spelled another way (host name, braced name) is refused. */
  @Test
  void aSqlServerTableIsNeverCopiedOntoItself() {
    var source = MSSQL.connection(sourceUrl);
    String database = sourceUrl.substring(sourceUrl.indexOf("databaseName=") + "databaseName=".length());
    String sameDatabase = sourceUrl.replace("127.0.0.1", "localhost").replace("databaseName=" + database,
        "databaseName={" + database + "}");
    for (String schema : new String[] {null, "copy"}) {
      JobSpec spec = new JobSpec("mssql-self", new SourceSpec("sqlserver",
          List.of(new TenantSpec("d1", source.url(), source.user(), source.password()))),
          new TargetSpec("sqlserver", sameDatabase, source.user(), source.password(), schema, null),
          new TableSelection(List.of("dbo.districts"), List.of()), Mode.CREATE, null);
      List<String> problems = new Preflight().run(spec).problems();
      if (schema == null) {
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("table dbo.districts would be copied onto itself"));
      } else {
        assertThat(problems).noneSatisfy(p -> assertThat(p).contains("onto itself"));
      }
    }
  }

  private static TablePlan plan(PreflightReply reply, String table) {
    return reply.plans().stream().filter(p -> p.sourceTable().equals(table)).findFirst().orElseThrow();
  }
}
