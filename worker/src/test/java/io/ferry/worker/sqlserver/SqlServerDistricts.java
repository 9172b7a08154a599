package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.Units;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One job's two SQL Server districts, {@code d1} and {@code d2}, each a database with the same {@code sales} tables;
 * and what the verify and repair tests do with them: copy them into one target under the tenant column
 * {@code district}, verify a tenant table's range there, and run units through one worker's pools.
 */
final class SqlServerDistricts implements AutoCloseable {

  static final String TENANT_COLUMN = "district";

  /** A CTE {@code s(i)} of the integers 1 to 1,000. */
  static final String NUMBERS = """
      WITH d AS (SELECT 0 AS v UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
      s AS (SELECT a.v + 10 * b.v + 100 * c.v + 1 AS i FROM d a, d b, d c)
      """;

  private final SqlServerDatabases mssql;
  private final String job;
  private final Map<String, String> urls = new LinkedHashMap<>();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(pools);

  SqlServerDistricts(SqlServerDatabases mssql, String job) {
    this.mssql = mssql;
    this.job = job;
  }

  /**
   * Creates each district's database, named after {@code prefix} and the district.
   *
   * @param tables the statements that make and fill a district's tables, given its number (1 or 2)
   */
  void create(String prefix, IntFunction<List<String>> tables) throws SQLException {
    int n = 0;
    for (String d : List.of("d1", "d2")) {
      n++;
      String url = mssql.create(prefix + d);
      urls.put(d, url);
      mssql.execute(url, tables.apply(n).toArray(String[]::new));
    }
  }

  /**
   * {@code sales.schools} (a case-insensitive text key, codes in both cases) and {@code sales.devices} (a GUID key,
   * a quarter of its dates NULL) of district {@code n}.
   */
  static List<String> keyedTables(int n) {
    return List.of(
        "CREATE TABLE sales.schools (school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL"
            + " PRIMARY KEY, name nvarchar(100) NOT NULL)",
        NUMBERS + "INSERT INTO sales.schools SELECT CASE WHEN i % 2 = 0 THEN 'sch-' ELSE 'SCH-' END"
            + " + RIGHT('000' + CAST(i AS varchar(4)), 3), N'École ' + CAST(i AS nvarchar(4)) + N' of d" + n + "' FROM s"
            + " WHERE i <= 60",
        "CREATE TABLE sales.devices (device_id uniqueidentifier NOT NULL PRIMARY KEY, bought date NULL)",
        NUMBERS + "INSERT INTO sales.devices SELECT CAST('0000000" + n + "-0000-4000-8000-' + RIGHT('000000000000'"
            + " + CAST(i AS varchar(12)), 12) AS uniqueidentifier), CASE WHEN i % 4 = 0 THEN NULL"
            + " ELSE DATEADD(day, i, CAST('2019-01-01' AS date)) END FROM s WHERE i <= 300");
  }

  /** Runs the job of every {@code sales} table but {@code exclude} into {@code targetSpec}; answers its plans. */
  List<TablePlan> copy(TargetSpec targetSpec, Endpoint target, List<String> exclude) {
    List<TenantSpec> tenants = new ArrayList<>();
    urls.forEach((id, url) -> {
      Endpoint e = mssql.connection(url);
      tenants.add(new TenantSpec(id, e.url(), e.user(), e.password()));
    });
    JobSpec spec = new JobSpec(job, new SourceSpec("sqlserver", tenants), targetSpec,
        new TableSelection(List.of("sales.*"), exclude), Mode.CREATE, null);
    return SqlServerJobCopy.run(executor, spec, this::source, target);
  }

  /** The findings of a verify unit over one tenant table's range, which must run. */
  VerifyFindings verify(TablePlan p, KeyRange range, Endpoint target) {
    UnitOutcome o = executor.execute(Units.verify("verify-" + p.tenantId() + "-" + p.targetTable(), job, p, range, source(p),
        target, TENANT_COLUMN), new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(p.sourceTable() + ": " + o.error()).isTrue();
    return o.findings();
  }

  UnitExecutor executor() {
    return executor;
  }

  String job() {
    return job;
  }

  Endpoint source(TablePlan p) {
    return mssql.connection(urls.get(p.tenantId()));
  }

  static TablePlan plan(List<TablePlan> plans, String tenant, String table) {
    return plans.stream().filter(p -> p.tenantId().equals(tenant) && p.sourceTable().equals(table)).findFirst()
        .orElseThrow();
  }

  @Override
  public void close() {
    pools.close();
  }
}
