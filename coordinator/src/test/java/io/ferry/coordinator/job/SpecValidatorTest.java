package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.spec.UnitSize;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static final JobSpec VALID = Fixtures.spec("nightly", "jdbc:postgresql://127.0.0.1/target", "${env:PG_PASSWORD}", "a", "b");

  private static JobSpec withName(String name) {
    return new JobSpec(name, VALID.source(), VALID.target(), VALID.tables(), VALID.mode(), VALID.unit());
  }

  private static JobSpec withTenants(TenantSpec... tenants) {
    return new JobSpec(VALID.name(), new SourceSpec("postgresql", List.of(tenants)), VALID.target(), null, Mode.CREATE, null);
  }

  private static JobSpec withTarget(TargetSpec target) {
    return new JobSpec(VALID.name(), VALID.source(), target, null, Mode.CREATE, null);
  }

  @Test
  void aValidSpecHasNoProblems() {
    assertThat(SpecValidator.validate(VALID)).isEmpty();
  }

  @Test
  void nameIsRequiredAndRestricted() {
    assertThat(SpecValidator.validate(withName(null))).singleElement().asString().startsWith("name is required");
    assertThat(SpecValidator.validate(withName("bad name!"))).singleElement().asString().contains("'bad name!' is not valid");
    assertThat(SpecValidator.validate(withName("x".repeat(64)))).hasSize(1);
    assertThat(SpecValidator.validate(withName("ok_name-1"))).isEmpty();
  }

  @Test
  void aSourceIsPostgresqlOrSqlServerAndATargetPostgresqlOrSqlServerForSqlServerSources() {
    List<TenantSpec> districts = List.of(new TenantSpec("d1", "jdbc:sqlserver://h;databaseName=d1", "u", null),
        new TenantSpec("d2", "jdbc:sqlserver://h:1433;databaseName=d2", "u", null));
    JobSpec spec = new JobSpec("n", new SourceSpec("sqlserver", districts), VALID.target(), null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(spec)).isEmpty();
    JobSpec postgresUrls = new JobSpec("n", new SourceSpec("sqlserver", VALID.source().tenants()),
        new TargetSpec(null, "jdbc:postgresql://h/db", "u", null, null, "tenant_id"), null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(postgresUrls)).contains("target.engine is required: postgresql or sqlserver")
        .anySatisfy(p -> assertThat(p).startsWith("source.tenants[0].url must start with jdbc:sqlserver:"));
    JobSpec toSqlServer = new JobSpec("n", new SourceSpec("SQLServer", districts),
        new TargetSpec("sqlserver", "jdbc:sqlserver://h;databaseName=all", "u", null, null, "tenant_id"), null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(toSqlServer)).isEmpty();
    JobSpec uuidsToSqlServer = new JobSpec("n", new SourceSpec("sqlserver", districts),
        new TargetSpec("sqlserver", "jdbc:sqlserver://h;databaseName=all", "u", null, null, "tenant_id", "uuid", null, null,
            null, null),
        null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(uuidsToSqlServer)).singleElement().asString()
        .startsWith("target.keys: uuid needs target.engine postgresql");
    JobSpec postgresToSqlServer = new JobSpec("n", VALID.source(),
        new TargetSpec("sqlserver", "jdbc:postgresql://h/db", "u", null, null, "tenant_id"), null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(postgresToSqlServer)).containsExactlyInAnyOrder(
        "target.url must start with jdbc:sqlserver: (e.g. jdbc:sqlserver://host:1433;databaseName=database)",
        "target.engine 'sqlserver' cannot take a postgresql source: a sqlserver target takes sqlserver sources");
    JobSpec unknown = new JobSpec("n", new SourceSpec("oracle", VALID.source().tenants()), VALID.target(), null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(unknown)).singleElement().asString()
        .isEqualTo("source.engine 'oracle' is unknown: use postgresql or sqlserver");
  }

  @Test
  void tenantsAreRequiredUniqueAndComplete() {
    assertThat(SpecValidator.validate(withTenants())).singleElement().asString().startsWith("source.tenants is required");
    List<String> problems = SpecValidator.validate(withTenants(
        new TenantSpec("a", "jdbc:postgresql://h/a", "u", null),
        new TenantSpec("a", "jdbc:mysql://h/b", null, null),
        new TenantSpec("bad id!", null, "u", "${env:}")));
    assertThat(problems).containsExactlyInAnyOrder(
        "source.tenants[1].id 'a' is used by another tenant: tenant ids must be unique",
        "source.tenants[1].url must start with jdbc:postgresql: (e.g. jdbc:postgresql://host:5432/database)",
        "source.tenants[1].user is required",
        "source.tenants[2].id 'bad id!' is not valid: use letters, digits, '_', '.', '-', at most 63 characters",
        "source.tenants[2].url is required, e.g. jdbc:postgresql://host:5432/database",
        "source.tenants[2].password looks like a reference but is malformed: use ${env:NAME} or ${file:/path/to/file}");
  }

  @Test
  void targetNeedsUrlUserAndATenantColumnForManyTenants() {
    List<String> problems = SpecValidator.validate(withTarget(new TargetSpec("postgresql", null, null, null, "bad-schema", null)));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("target.url is required"))
        .anySatisfy(p -> assertThat(p).isEqualTo("target.user is required"))
        .anySatisfy(p -> assertThat(p).startsWith("target.tenantColumn is required with more than one tenant"))
        .anySatisfy(p -> assertThat(p).startsWith("target.schema 'bad-schema' is not a valid identifier"));
    assertThat(SpecValidator.validate(withTarget(new TargetSpec("postgresql", "jdbc:postgresql://h/t", "u", null, null, "tenant id"))))
        .singleElement().asString().contains("target.tenantColumn 'tenant id' is not a valid identifier");
  }

  @Test
  void identifierStylesAreTheThreeNamedOnes() {
    for (String style : List.of("preserve", "lower", "snake_case")) {
      assertThat(SpecValidator.validate(withTarget(namingTarget(style, null)))).isEmpty();
    }
    assertThat(SpecValidator.validate(withTarget(namingTarget("camelCase", null)))).singleElement().asString()
        .isEqualTo("target.identifiers 'camelCase' is not an identifier style: use one of preserve, lower, snake_case"
            + " (default: snake_case from SQL Server, preserve from PostgreSQL)");
  }

  @Test
  void columnTypeOverridesNeedAColumnPatternAndATypeNameAndEveryBadOneIsListed() {
    Map<String, String> good = new LinkedHashMap<>();
    good.put("dbo.Orders.Total", "numeric(12,2)");
    good.put("*.*.Notes", "varchar(2000)");
    good.put("sales.*.Created*", "timestamp(3) with time zone");
    good.put("s.t.tags", "text[]");
    good.put("s.t.ratio", "double precision");
    assertThat(SpecValidator.validate(withTarget(namingTarget(null, good)))).isEmpty();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("Orders.Total", "numeric(12,2)");
    bad.put("dbo.Orders.Notes", "text; DROP TABLE x");
    bad.put("dbo.Orders.Memo", " ");
    List<String> problems = SpecValidator.validate(withTarget(namingTarget("snake_case", bad)));
    assertThat(problems).containsExactly(
        "target.columnTypes['Orders.Total']: the key must be schema.table.column (each part may use * for any run of"
            + " characters, e.g. dbo.Orders.Total or *.*.Notes)",
        "target.columnTypes['dbo.Orders.Notes']: 'text; DROP TABLE x' is not a type name: write a type such as"
            + " numeric(12,2), varchar(2000), timestamp(3) with time zone or text[]",
        "target.columnTypes['dbo.Orders.Memo']: a target type is required, e.g. numeric(12,2)");
  }

  @Test
  void aSqlServerTargetTakesNoColumnTypeOverrides() {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("dbo.Orders.Total", "decimal(20,4)");
    types.put("dbo.Orders.Notes", "nvarchar(200)");
    JobSpec spec = new JobSpec("n", new SourceSpec("sqlserver", List.of(new TenantSpec("d1", "jdbc:sqlserver://h;databaseName=d1",
        "u", null))), new TargetSpec("sqlserver", "jdbc:sqlserver://h;databaseName=all", "u", null, null, null, null, null,
        null, types, null), null, Mode.CREATE, null);
    assertThat(SpecValidator.validate(spec)).containsExactly("target.columnTypes: a SQL Server target keeps every column's"
        + " SQL Server type and takes no overrides (dbo.Orders.Total, dbo.Orders.Notes); remove target.columnTypes, or change"
        + " the type on the target after the copy (ALTER TABLE … ALTER COLUMN)");
  }

  private static TargetSpec namingTarget(String identifiers, Map<String, String> columnTypes) {
    TargetSpec t = VALID.target();
    return new TargetSpec(t.engine(), t.url(), t.user(), t.password(), t.schema(), t.tenantColumn(), null, null, identifiers, columnTypes, null);
  }

  @Test
  void collationsAreMapOrDefault() {
    for (String choice : new String[] {"map", "default", null}) {
      assertThat(SpecValidator.validate(withTarget(new TargetSpec("postgresql", "jdbc:postgresql://h/t", "u", null, null,
          "tenant_id", null, null, null, null, choice)))).isEmpty();
    }
    assertThat(SpecValidator.validate(withTarget(new TargetSpec("postgresql", "jdbc:postgresql://h/t", "u", null, null,
        "tenant_id", null, null, null, null, "ci")))).singleElement().asString().startsWith("target.collations 'ci' is not valid: map (");
  }

  @Test
  void modeIsRequiredForASameEngineJobAndTheErrorExplainsTheModes() {
    JobSpec spec = new JobSpec("n", VALID.source(), VALID.target(), null, null, null);
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .contains("mode is required", "create", "drop_recreate", "truncate", "drop existing target tables");
  }

  @Test
  void everyModeIsAcceptedAndTheMissingModeErrorDescribesEachOne() {
    for (Mode mode : Mode.values()) {
      JobSpec spec = new JobSpec("n", VALID.source(), VALID.target(), null, mode, null);
      assertThat(SpecValidator.validate(spec)).as(mode.wireName()).isEmpty();
    }
    String problem = SpecValidator.validate(new JobSpec("n", VALID.source(), VALID.target(), null, null, null)).get(0);
    for (Mode mode : Mode.values()) {
      assertThat(problem).contains(mode.wireName() + ": " + mode.description());
    }
  }

  @Test
  void tablePatternsAndUnitSizesAreChecked() {
    JobSpec spec = new JobSpec("n", VALID.source(), VALID.target(),
        new TableSelection(List.of("public.*", "orders"), List.of("a.b;drop")), Mode.CREATE, new UnitSize(0L, -1L));
    assertThat(SpecValidator.validate(spec)).containsExactlyInAnyOrder(
        "tables.include[1] 'orders' is not a table pattern: write schema.table using letters, digits, '_', '$', spaces and '*' (e.g. public.*)",
        "tables.exclude[0] 'a.b;drop' is not a table pattern: write schema.table using letters, digits, '_', '$', spaces and '*' (e.g. public.*)",
        "unit.rows must be greater than 0 (default 250000)",
        "unit.bytes must be greater than 0 (default 67108864)");
  }

  @Test
  void everyProblemIsListedAtOnceAndNoPasswordIsRepeated() {
    JobSpec spec = new JobSpec(null,
        new SourceSpec(null, List.of(new TenantSpec(null, "mysql://x", null, "hunter2-literal"))),
        null, null, null, new UnitSize(-5L, null));
    List<String> problems = SpecValidator.validate(spec);
    assertThat(problems).hasSizeGreaterThanOrEqualTo(6);
    assertThat(String.join("\n", problems)).doesNotContain("hunter2-literal");
  }

  @Test
  void aPasswordInsideAJdbcUrlIsRefusedWithoutRepeatingIt() {
    List<String> problems = SpecValidator.validate(withTenants(
        new TenantSpec("a", "jdbc:postgresql://h/a?user=u&password=hunter2-secret", "u", null),
        new TenantSpec("b", "jdbc:postgresql://h/b?ssl=true&sslpassword=keypass-secret", "u", null),
        new TenantSpec("c", "jdbc:postgresql://h/c?ApplicationName=password-reset", "u", null)));
    assertThat(problems).hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("source.tenants[0].url holds a password parameter"))
        .anySatisfy(p -> assertThat(p).startsWith("source.tenants[1].url holds a password parameter"))
        .noneSatisfy(p -> assertThat(p).containsAnyOf("hunter2", "keypass"));
    assertThat(SpecValidator.validate(withTarget(new TargetSpec("postgresql", "jdbc:postgresql://h/t;PASSWORD=x", "u", null, null,
        "tenant_id")))).singleElement().asString().startsWith("target.url holds a password parameter");
  }
}
