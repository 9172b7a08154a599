package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.Units;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL Server tables with mixed-case, spaced and hyphenated names into PostgreSQL under each
 * {@code target.identifiers} style, through preflight, prepare, copy, finish and foreign keys: names, keys,
 * indexes and foreign keys land renamed alike, rows land once, upsert finds rows by the renamed key; column
 * type overrides; and the collisions a style would cause are refused before anything is written. Run on
 * Babelfish ({@link SqlServerIdentifiersIT}) and on SQL Server 2022 ({@link SqlServer2022IdentifiersIT}).
 * Babelfish's catalog holds every name in lower case, so the names differ from each other by separators
 * too, and what {@code preserve} keeps is what the server's catalog reports ({@link #catalog}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlServerIdentifiersContract {

  private static final String JOB = "job-ident";
  private static final int CUSTOMERS = 5;
  private static final int LINES = 30;
  private final TestPostgres pg = new TestPostgres();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final UnitExecutor executor = new UnitExecutor(pools);
  private SqlServerDatabases mssql;
  private String source;
  private String collide;
  private boolean lowerCaseCatalog;

  /** The server the tests create their databases on. */
  protected abstract SqlServerDatabases databases();

  @BeforeAll
  void createDatabases() throws Exception {
    mssql = databases();
    source = mssql.create("ident_src");
    List<String> sql = new ArrayList<>(List.of(
        "CREATE TABLE dbo.[Customer List] ([Customer-ID] int NOT NULL CONSTRAINT [PK Customer List] PRIMARY KEY,"
            + " [Full Name] nvarchar(60) NOT NULL, [HTTP Status] int NULL)",
        "CREATE UNIQUE INDEX [UX Full Name] ON dbo.[Customer List] ([Full Name])",
        "CREATE TABLE dbo.[Order Lines] ([Order ID] int NOT NULL, [Line Number] int NOT NULL, [Customer-ID] int NOT NULL,"
            + " Qty int NOT NULL, [Order Date] date NULL, Total decimal(18,4) NOT NULL, Notes varchar(50) NULL,"
            + " CONSTRAINT [PK Order Lines] PRIMARY KEY ([Order ID], [Line Number]),"
            + " CONSTRAINT [FK Order Lines Customers] FOREIGN KEY ([Customer-ID]) REFERENCES dbo.[Customer List] ([Customer-ID]))",
        "CREATE INDEX [IX Order Date] ON dbo.[Order Lines] ([Order Date]) INCLUDE (Qty)"));
    for (int c = 1; c <= CUSTOMERS; c++) {
      sql.add("INSERT INTO dbo.[Customer List] VALUES (" + c + ", N'Customer " + c + "', " + (c == 3 ? 70000 : 200 + c) + ")");
    }
    for (int l = 1; l <= LINES; l++) {
      sql.add("INSERT INTO dbo.[Order Lines] VALUES (" + (l + 1) / 2 + ", " + (l % 2 + 1) + ", " + (l % CUSTOMERS + 1) + ", "
          + l + ", '2024-03-" + String.format("%02d", l % 28 + 1) + "', " + l + ".3456, 'note " + l + "')");
    }
    mssql.execute(source, sql.toArray(String[]::new));
    try (Connection c = mssql.open(source); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT name FROM sys.tables WHERE name = 'Order Lines'")) {
      rs.next();
      lowerCaseCatalog = rs.getString(1).equals("order lines");
    }
    collide = mssql.create("ident_collide");
    mssql.execute(collide,
        "CREATE TABLE dbo.[Order Lines] (ID int NOT NULL PRIMARY KEY, [Order Date] date NULL, Order_Date date NULL,"
            + " [District ID] nvarchar(10) NULL)",
        "CREATE TABLE dbo.Order_Lines (ID int NOT NULL PRIMARY KEY, Ref int NULL,"
            + " CONSTRAINT [FK Lines] FOREIGN KEY (Ref) REFERENCES dbo.[Order Lines] (ID))",
        "CREATE TABLE dbo.Parents (ID int NOT NULL PRIMARY KEY, Ref int NULL,"
            + " CONSTRAINT FK_Lines FOREIGN KEY (Ref) REFERENCES dbo.Order_Lines (ID))");
  }

  @AfterAll
  void dropDatabases() throws Exception {
    pools.close();
    mssql.close();
    pg.close();
  }

  /** A name as the source's catalog reports it (Babelfish: in lower case). */
  protected String catalog(String name) {
    return lowerCaseCatalog ? name.toLowerCase(Locale.ROOT) : name;
  }

  /** Expected target names per style: tables, then each table's columns, then index and constraint names. */
  private record Names(String customers, String lines, List<String> customerColumns, List<String> lineColumns,
                       String dateIndex, String nameIndex, String foreignKey) {
  }

  private Names expected(String style) {
    List<String> customers = List.of("Customer-ID", "Full Name", "HTTP Status");
    List<String> lines = List.of("Order ID", "Line Number", "Customer-ID", "Qty", "Order Date", "Total", "Notes");
    return switch (style) {
      case "snake_case" -> new Names("customer_list", "order_lines", List.of("customer_id", "full_name", "http_status"),
          List.of("order_id", "line_number", "customer_id", "qty", "order_date", "total", "notes"),
          "ix_order_date", "ux_full_name", "fk_order_lines_customers");
      case "lower" -> new Names("customer list", "order lines", lower(customers), lower(lines), "ix order date",
          "ux full name", "fk order lines customers");
      default -> new Names(catalog("Customer List"), catalog("Order Lines"), customers.stream().map(this::catalog).toList(),
          lines.stream().map(this::catalog).toList(), catalog("IX Order Date"), catalog("UX Full Name"),
          catalog("FK Order Lines Customers"));
    };
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "snake_case", "lower", "preserve"})
  void everyNameLandsInTheStyleAndEveryReferenceFollows(String style) throws Exception {
    String target = pg.create("ident_" + (style.equals("default") ? "dflt" : style));
    Names names = expected(style.equals("default") ? "snake_case" : style);
    List<TablePlan> plans = migrate(spec(target, style.equals("default") ? null : style, null, null), target);

    TablePlan lines = plan(plans, "Order Lines");
    assertThat(lines.targetTable()).isEqualTo("dbo." + names.lines());
    assertThat(lines.columns()).extracting(ColumnPlan::name).containsExactlyElementsOf(
        Stream.of("Order ID", "Line Number", "Customer-ID", "Qty", "Order Date", "Total", "Notes").map(this::catalog).toList());
    assertThat(lines.columns()).extracting(ColumnPlan::targetName).containsExactlyElementsOf(names.lineColumns());
    assertThat(lines.split().key()).as("reads use the source's names").containsExactly(catalog("Order ID"), catalog("Line Number"));
    assertThat(lines.copyFormat()).isEqualTo(CopyFormat.BINARY);

    try (Connection t = pg.open(target)) {
      assertThat(columns(t, names.customers())).containsExactlyElementsOf(names.customerColumns());
      assertThat(columns(t, names.lines())).containsExactlyElementsOf(names.lineColumns());
      assertThat(texts(t, "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conrelid = to_regclass(?)"
          + " AND c.contype = 'p'", table(names.lines())))
          .containsExactly("PRIMARY KEY (" + ident(names.lineColumns().get(0)) + ", " + ident(names.lineColumns().get(1)) + ")");
      assertThat(texts(t, "SELECT conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c"
          + " WHERE c.conrelid = to_regclass(?) AND c.contype = 'f'", table(names.lines())))
          .containsExactly(names.foreignKey() + " FOREIGN KEY (" + ident(names.lineColumns().get(2)) + ") REFERENCES "
              + table(names.customers()) + "(" + ident(names.customerColumns().get(0)) + ")");
      // Babelfish adds a hash to index names: they are matched by their start.
      assertThat(texts(t, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'dbo' AND starts_with(indexname, ?)",
          names.dateIndex())).singleElement().asString()
          .contains("(" + ident(names.lineColumns().get(4)) + ") INCLUDE (" + ident(names.lineColumns().get(3)) + ")");
      assertThat(texts(t, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'dbo' AND starts_with(indexname, ?)",
          names.nameIndex())).singleElement().asString().startsWith("CREATE UNIQUE INDEX")
          .contains("(" + ident(names.customerColumns().get(1)) + ")");
      assertThat(texts(t, "SELECT count(*) || ' ' || sum(" + ident(names.lineColumns().get(3)) + ") FROM " + table(names.lines())))
          .containsExactly(LINES + " " + LINES * (LINES + 1) / 2);
      assertThat(texts(t, "SELECT " + ident(names.customerColumns().get(1)) + " || ' ' || " + ident(names.customerColumns().get(2))
          + " FROM " + table(names.customers()) + " WHERE " + ident(names.customerColumns().get(0)) + " = 2"))
          .containsExactly("Customer 2 202");
    }
    // Upsert finds existing rows by the key's target names: the same rows again change nothing.
    for (TablePlan p : plans) {
      ok(Units.copy("upsert-" + p.sourceTable(), JOB, p, KeyRange.ALL, 1, mssql.connection(source), pg.connection(target),
          null, 7, Mode.UPSERT));
    }
    try (Connection t = pg.open(target)) {
      assertThat(texts(t, "SELECT count(*) FROM " + table(names.lines()))).containsExactly(String.valueOf(LINES));
    }
  }

  @Test
  void anOverriddenColumnTravelsAsTextAndLandsInItsNewType() throws Exception {
    String target = pg.create("ident_override");
    Map<String, String> types = new LinkedHashMap<>();
    types.put("dbo." + catalog("Order Lines") + "." + catalog("Total"), "numeric(12,2)");
    types.put("*.*." + catalog("Notes"), "varchar(2000)");
    List<TablePlan> plans = migrate(spec(target, null, types, null), target);

    TablePlan lines = plan(plans, "Order Lines");
    assertThat(lines.copyFormat()).isEqualTo(CopyFormat.TEXT);
    assertThat(lines.columns()).filteredOn(c -> c.handling() != null)
        .extracting(c -> c.targetName() + " " + c.type() + ": " + c.handling())
        .containsExactly("total numeric(12,2): text: type override to numeric(12,2)",
            "notes varchar(2000): text: type override to varchar(2000)");
    assertThat(plan(plans, "Customer List").copyFormat()).isEqualTo(CopyFormat.BINARY);
    try (Connection t = pg.open(target)) {
      assertThat(texts(t, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dbo.order_lines'::regclass"
          + " AND attname IN ('total', 'notes') ORDER BY attnum")).containsExactly("numeric(12,2)", "character varying(2000)");
      assertThat(texts(t, "SELECT total::text || ' ' || notes || ' ' || order_date::text FROM dbo.order_lines"
          + " WHERE order_id = 5 AND line_number = 2")).containsExactly("9.35 note 9 2024-03-10");
      assertThat(texts(t, "SELECT count(*) FROM dbo.order_lines")).containsExactly(String.valueOf(LINES));
    }
  }

  @Test
  void aValueTheOverriddenTypeCannotHoldIsARejectedRow() throws Exception {
    String target = pg.create("ident_reject");
    JobSpec spec = spec(target, null, Map.of("dbo." + catalog("Customer List") + "." + catalog("HTTP Status"), "smallint"),
        List.of("dbo." + catalog("Customer List")));
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    TablePlan customers = reply.plans().get(0);
    ok(Units.types("prepare-types", JOB, reply.plans(), mssql.connection(source), pg.connection(target)));
    ok(Units.statements("prepare", JOB, UnitKind.PREPARE, customers, customers.ddl().prepare(), mssql.connection(source),
        pg.connection(target)));
    Assignment copy = Units.copy("copy-customers", JOB, customers, KeyRange.ALL, 1, mssql.connection(source),
        pg.connection(target), null, 100);
    ok(new Assignment(copy.unit(), copy.plan(), copy.source(), copy.target(), null, List.of(), 100, copy.chunkBytes(),
        Mode.CREATE, List.of(), RowErrorPolicy.REJECT));
    try (Connection t = pg.open(target)) {
      assertThat(texts(t, "SELECT string_agg(customer_id::text, ',' ORDER BY customer_id) FROM dbo.customer_list"))
          .containsExactly("1,2,4,5");
      assertThat(texts(t, "SELECT row_key || ' ' || sql_state FROM ferry.rejects WHERE job_id = ?", JOB))
          .singleElement().asString().contains("3").endsWith(" 22003");
    }
  }

  @Test
  void namesThatWouldCollideAreRefusedWithBothSourceNames() {
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", List.of(tenant("d1", collide))),
        new TargetSpec("postgresql", pg.url("postgres"), pg.user(), pg.password(), null, "district_id"),
        new TableSelection(List.of("dbo.*"), List.of()), Mode.CREATE, null);
    String fix = ": rename one on the source, leave one out (tables.exclude), or choose another target.identifiers style";
    assertThat(new Preflight().run(spec).problems()).containsExactlyInAnyOrder(
        "target.identifiers snake_case: tables dbo." + catalog("Order Lines") + " and dbo." + catalog("Order_Lines")
            + " would both land as dbo.order_lines" + fix,
        "target.identifiers snake_case: columns " + catalog("Order Date") + " and " + catalog("Order_Date") + " of dbo."
            + catalog("Order Lines") + " would both land as order_date" + fix,
        "tenant d1: table dbo." + catalog("Order Lines") + " already has a column named " + catalog("District ID")
            + " (district_id on the target), the same as target.tenantColumn: choose another tenant column name",
        "target.identifiers snake_case: index and constraint names dbo." + catalog("FK Lines") + " and dbo."
            + catalog("FK_Lines") + " in target schema dbo would both land as fk_lines" + fix);
  }

  @Test
  void anOverrideMatchingNoColumnIsAProblemNamingEveryOne() {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("dbo." + catalog("Order Lines") + "." + catalog("Total"), "numeric(12,2)");
    types.put("dbo.Nope.*", "text");
    types.put("*.*.Missing", "integer");
    assertThat(new Preflight().run(spec(pg.url("postgres"), null, types, null)).problems()).containsExactly(
        "target.columnTypes: dbo.Nope.*, *.*.Missing match no copied column of the job's tables (patterns are"
            + " schema.table.column with the source's names, case-sensitive; * matches any run of characters)");
  }

  /** The plans of a job over a source database whose tables are created by {@code sql}, in the given style. */
  protected List<TablePlan> planOnly(String prefix, String identifiers, String... sql) throws SQLException {
    String url = mssql.create(prefix);
    mssql.execute(url, sql);
    JobSpec spec = new JobSpec(JOB, new SourceSpec("sqlserver", List.of(tenant("d1", url))),
        new TargetSpec("postgresql", pg.url("postgres"), pg.user(), pg.password(), null, null, null, null, identifiers, null, null),
        new TableSelection(List.of("dbo.*"), List.of()), Mode.CREATE, null);
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    return reply.plans();
  }

  private TablePlan plan(List<TablePlan> plans, String sourceTable) {
    return plans.stream().filter(p -> p.sourceTable().equals("dbo." + catalog(sourceTable))).findFirst().orElseThrow();
  }

  /** Preflight, then every unit of the job in order; returns the plans. */
  private List<TablePlan> migrate(JobSpec spec, String target) {
    PreflightReply reply = new Preflight().run(spec);
    assertThat(reply.problems()).isEmpty();
    Endpoint from = mssql.connection(source);
    Endpoint to = pg.connection(target);
    ok(Units.types("prepare-types", JOB, reply.plans(), from, to));
    for (TablePlan p : reply.plans()) {
      ok(Units.statements("prepare-" + p.sourceTable(), JOB, UnitKind.PREPARE, p, p.ddl().prepare(), from, to));
    }
    for (TablePlan p : reply.plans()) {
      ok(Units.copy("copy-" + p.sourceTable(), JOB, p, KeyRange.ALL, 1, from, to, null, 7, Mode.CREATE));
    }
    for (TablePlan p : reply.plans()) {
      ok(Units.statements("finish-" + p.sourceTable(), JOB, UnitKind.FINISH, p, p.ddl().finish(), from, to));
    }
    List<String> foreignKeys = reply.plans().stream().flatMap(p -> p.ddl().foreignKeys().stream()).toList();
    ok(Units.statements("finish-fks", JOB, UnitKind.FINISH, reply.plans().get(0), foreignKeys, from, to));
    return reply.plans();
  }

  private JobSpec spec(String target, String identifiers, Map<String, String> columnTypes, List<String> tables) {
    return new JobSpec(JOB, new SourceSpec("sqlserver", List.of(tenant("d1", source))),
        new TargetSpec("postgresql", target, pg.user(), pg.password(), null, null, null, null, identifiers, columnTypes, null),
        new TableSelection(tables == null ? List.of("dbo.*") : tables, List.of()), Mode.CREATE, null);
  }

  private TenantSpec tenant(String id, String url) {
    Endpoint e = mssql.connection(url);
    return new TenantSpec(id, e.url(), e.user(), e.password());
  }

  private void ok(Assignment a) {
    UnitOutcome o = executor.execute(a, new UnitControl(), ProgressListener.NONE);
    assertThat(o.ok()).as(a.unit().id() + ": " + o.error()).isTrue();
  }

  private static List<String> columns(Connection t, String table) throws SQLException {
    return texts(t, "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
        + " ORDER BY attnum", table(table));
  }

  private static String table(String name) {
    return "dbo." + ident(name);
  }

  private static String ident(String name) {
    return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name + "\"";
  }

  private static List<String> texts(Connection t, String sql, String... params) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = t.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
