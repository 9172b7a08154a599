package io.ferry.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.worker.SourceFixture;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PreflightIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static String tenantUrl;
  private static String targetUrl;

  @BeforeAll
  static void databases() throws Exception {
    tenantUrl = DBS.create("pf_src");
    targetUrl = DBS.create("pf_tgt");
    try (Connection c = DBS.open(tenantUrl)) {
      SourceFixture.create(c, 1);
      try (Statement st = c.createStatement()) {
        // Big enough to be sampled rather than counted exactly, never analyzed so there is no histogram.
        st.execute("CREATE SCHEMA stats");
        st.execute("CREATE TABLE stats.big (k bigint PRIMARY KEY) WITH (autovacuum_enabled = false)");
        st.execute("INSERT INTO stats.big SELECT g * 2 FROM generate_series(1, 120000) g");
      }
    }
    try (Connection c = DBS.open(targetUrl); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE public.customers (id int)");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  private static JobSpec spec(List<TenantSpec> tenants, TableSelection tables, Mode mode, String schema, String tenantColumn) {
    return new JobSpec("preflight-test", new SourceSpec("postgresql", tenants),
        new TargetSpec("postgresql", targetUrl, DBS.user(), DBS.password(), schema, tenantColumn), tables, mode, null);
  }

  private static TenantSpec tenant(String id, String url) {
    return new TenantSpec(id, url, DBS.user(), DBS.password());
  }

  private static TablePlan plan(PreflightReply reply, String sourceTable) {
    return reply.plans().stream().filter(p -> p.sourceTable().equals(sourceTable)).findFirst().orElseThrow();
  }

  @Test
  void plansEveryIncludedTableWithColumnsKeysAndQuantilesThatFollowTheRows() {
    PreflightReply reply = new Preflight().run(spec(List.of(tenant("t1", tenantUrl)),
        new TableSelection(List.of("public.*"), List.of("public.no*")), Mode.DROP_RECREATE, "app", "tenant_id"));

    assertThat(reply.problems()).isEmpty();
    assertThat(reply.plans()).extracting(TablePlan::sourceTable).containsExactlyInAnyOrder(
        "public.Mixed Case", "public.customers", "public.empty_table", "public.orders", "public.skewed");

    TablePlan orders = plan(reply, "public.orders");
    assertThat(orders.targetTable()).isEqualTo("app.orders");
    assertThat(orders.columns()).containsExactly(
        new ColumnPlan("id", "bigint", false, null, null), new ColumnPlan("customer_id", "integer", true, null, null),
        new ColumnPlan("note", "text", true, null, null), new ColumnPlan("doc", "jsonb", true, null, null), new ColumnPlan("blob", "bytea", true, null, null),
        new ColumnPlan("amount", "numeric(20,6)", true, null, null), new ColumnPlan("at", "timestamp with time zone", false, null, null),
        new ColumnPlan("tags", "integer[]", true, null, null), new ColumnPlan("code", "text", true, null, null));
    assertThat(orders.split().key()).containsExactly("id");
    assertThat(orders.split().method()).isEqualTo(SplitMethod.PRIMARY_KEY);
    assertThat(orders.estimatedRows()).isEqualTo(SourceFixture.ORDERS);
    assertThat(orders.estimatedBytes()).isPositive();
    assertSortedWithin(orders.split().quantiles(), 4, 3L * SourceFixture.ORDERS + 1);
    assertThat(orders.ddl().prepare()).anyMatch(s -> s.startsWith("CREATE TABLE \"app\".\"orders\" (\"tenant_id\" text NOT NULL"));
    assertThat(orders.ddl().finish()).contains("ALTER TABLE \"app\".\"orders\" ADD PRIMARY KEY (\"tenant_id\", \"id\")");
    assertThat(orders.ddl().foreignKeys()).singleElement().asString()
        .contains("FOREIGN KEY (\"tenant_id\", \"customer_id\") REFERENCES \"app\".\"customers\" (\"tenant_id\", \"id\")");
    assertThat(orders.targetExists()).isFalse();

    TablePlan skewed = plan(reply, "public.skewed");
    assertThat(skewed.split().sampleMethod()).isEqualTo("histogram");
    assertSortedWithin(skewed.split().quantiles(), 1, 9_001_000_000_000_000_000L);
    long median = Long.parseLong(skewed.split().quantiles().get(skewed.split().quantiles().size() / 2).get(0));
    assertThat(median).as("the median follows the rows into the dense interval").isBetween(1L, 18_000L);

    TablePlan empty = plan(reply, "public.empty_table");
    assertThat(empty.estimatedRows()).isZero();
    assertThat(empty.split().quantiles()).isEmpty();

    TablePlan mixed = plan(reply, "public.Mixed Case");
    assertThat(mixed.split().key()).containsExactly("id");
    assertThat(mixed.columns()).extracting(ColumnPlan::name).containsExactly("id", "Quote\"Col", "Some Col");
    assertThat(mixed.ddl().finish()).anyMatch(s -> s.contains("ADD GENERATED BY DEFAULT AS IDENTITY"));
  }

  @Test
  void tablesWithoutAKeyAreSplitIntoBlockRangesWithAWarning() {
    PreflightReply reply = new Preflight().run(spec(List.of(tenant("t1", tenantUrl)),
        new TableSelection(List.of("public.nokey"), List.of()), Mode.CREATE, null, null));
    TablePlan nokey = plan(reply, "public.nokey");
    assertThat(nokey.split().method()).isEqualTo(SplitMethod.CTID);
    assertThat(nokey.split().key()).containsExactly("ctid");
    assertThat(nokey.split().types()).containsExactly("tid");
    assertThat(nokey.split().sampleMethod()).isEqualTo("blocks");
    assertThat(nokey.split().quantiles()).first().isEqualTo(List.of("(0,0)"));
    assertThat(nokey.warnings()).anyMatch(w -> w.contains("ranges of physical blocks (ctid)"));
  }

  @Test
  void largeTablesWithoutStatisticsAreSampled() {
    PreflightReply reply = new Preflight().run(spec(List.of(tenant("t1", tenantUrl)),
        new TableSelection(List.of("stats.big"), List.of()), Mode.CREATE, null, null));
    TablePlan big = plan(reply, "stats.big");
    assertThat(big.split().sampleMethod()).isIn("sample", "histogram");
    assertThat(big.split().quantiles()).hasSizeGreaterThan(100);
    assertSortedWithin(big.split().quantiles(), 2, 240_000);
    long median = Long.parseLong(big.split().quantiles().get(big.split().quantiles().size() / 2).get(0));
    assertThat(median).isBetween(80_000L, 160_000L);
    assertThat(big.estimatedBytes()).isGreaterThan(1024 * 1024);
    assertThat(big.readBytesPerSecond()).as("a sample read measured the source's throughput").isPositive();
  }

  @Test
  void tinyTablesAreNotSampledForThroughput() {
    PreflightReply reply = new Preflight().run(spec(List.of(tenant("t1", tenantUrl)),
        new TableSelection(List.of("public.empty_table", "public.customers"), List.of()), Mode.DROP_RECREATE, "tiny", null));
    assertThat(reply.plans()).allSatisfy(p -> assertThat(p.readBytesPerSecond()).isZero());
  }

  @Test
  void collectsEveryProblemWithoutLeakingPasswords() {
    String badUrl = DBS.url("ferry_no_such_database");
    List<TenantSpec> tenants = List.of(
        new TenantSpec("district_1", badUrl, "bob", "s3cretPassw0rd"),
        tenant("district_2", tenantUrl));
    PreflightReply reply = new Preflight().run(spec(tenants,
        new TableSelection(List.of("public.customers", "nothere.*"), List.of()), Mode.CREATE, null, "name"));

    assertThat(reply.problems()).anyMatch(p -> p.startsWith("tenant district_1: cannot connect to " + badUrl + " as user bob: ")
        && p.contains("ferry_no_such_database"));
    assertThat(reply.problems()).anyMatch(p -> p.contains("mode create never writes into an existing table") && p.contains("public.customers"));
    assertThat(reply.problems()).anyMatch(p -> p.contains("district_2") && p.contains("already has a column named name"));
    assertThat(String.join("\n", reply.problems())).doesNotContain("s3cretPassw0rd");

    PreflightReply none = new Preflight().run(spec(List.of(tenant("district_2", tenantUrl)),
        new TableSelection(List.of("nothere.*"), List.of("x.y")), Mode.CREATE, null, null));
    assertThat(none.problems()).containsExactly("tenant district_2: no table matches include [nothere.*] / exclude [x.y]");
  }

  @Test
  void saysWhyAConnectionFailedNamingHostAndPort() {
    String unknownHost = "jdbc:postgresql://no-such-host.invalid:5432/db";
    String refused = "jdbc:postgresql://127.0.0.1:1/db";
    PreflightReply reply = new Preflight().run(spec(List.of(
        new TenantSpec("t1", unknownHost, "bob", "s3cretPassw0rd"), new TenantSpec("t2", refused, "bob", "s3cretPassw0rd")),
        null, Mode.CREATE, null, "tenant"));
    assertThat(reply.problems()).contains(
        "tenant t1: cannot connect to " + unknownHost + " as user bob: host no-such-host.invalid cannot be resolved"
            + " (no such name in DNS, as seen from this worker)",
        "tenant t2: cannot connect to " + refused + " as user bob: nothing accepts connections at 127.0.0.1:1"
            + " (connection refused: no server listens there, or a firewall rejects the connection); a loopback address"
            + " reaches the machine this worker runs on: with the cluster on several machines, give the database's network"
            + " address");
    assertThat(String.join("\n", reply.problems())).doesNotContain("s3cretPassw0rd", "The connection attempt failed");
  }

  @Test
  void theCreateConflictListsEachTableOnceAndTheModesOnce() throws Exception {
    try (Connection c = DBS.open(targetUrl); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA conflict");
      st.execute("CREATE TABLE conflict.customers (id int)");
      st.execute("CREATE TABLE conflict.orders (id int)");
      st.execute("INSERT INTO conflict.orders VALUES (1)");
    }
    PreflightReply reply = new Preflight().run(spec(List.of(tenant("d1", tenantUrl), tenant("d2", tenantUrl)),
        new TableSelection(List.of("public.customers", "public.orders"), List.of()), Mode.CREATE, "conflict", "district"));
    assertThat(reply.problems()).singleElement().asString()
        .startsWith("mode create never writes into an existing table, and 2 target tables exist: conflict.customers,"
            + " conflict.orders (holds rows). Choose what to do with them: ")
        .contains("drop_recreate: " + Mode.DROP_RECREATE.description())
        .satisfies(p -> assertThat(p.split("drop_recreate: ", -1)).as("the modes are listed once").hasSize(2));
  }

  private static void assertSortedWithin(List<List<String>> quantiles, long min, long max) {
    assertThat(quantiles).isNotEmpty();
    List<Long> values = quantiles.stream().map(t -> Long.parseLong(t.get(0))).toList();
    assertThat(values).isSorted().doesNotHaveDuplicates();
    assertThat(values.get(0)).isGreaterThanOrEqualTo(min);
    assertThat(values.get(values.size() - 1)).isLessThanOrEqualTo(max);
  }
}
