package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repair units between PostgreSQL databases: two tenants consolidated into one target, the target corrupted in
 * known ways, each range verified, repaired from its findings and verified clean again; another tenant's row
 * with the same key is left alone, and a holder of a stale lease epoch changes nothing.
 */
class RepairIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final int ORDERS = TenantSources.ORDERS;
  private static TenantSources sources;

  @BeforeAll
  static void createSources() throws Exception {
    sources = TenantSources.create(DBS, "rp_",
        "CREATE TABLE readings (at timestamptz, sensor int, v double precision, PRIMARY KEY (at, sensor))",
        "INSERT INTO readings SELECT timestamptz '2024-03-01 00:00+00' + g * interval '1.5 seconds', g % 3, g / 7.0"
            + " FROM generate_series(1, 900) g");
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  @Test
  void repairFixesEveryCorruptionAndLeavesOtherTenantsAlone() throws Exception {
    LocalJob job = sources.copied("repair-corrupt");
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id IN (10, 11)");
      st.execute("UPDATE orders SET amount = amount + 0.01 WHERE tenant_id = 't1' AND id = 12500");
      st.execute("INSERT INTO orders VALUES ('t1', 100000, 'intruder', 1, NULL, NULL)");
      // More differences than a unit lists: its range is copied again whole.
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id BETWEEN 15001 AND 15150");
      // Another tenant's row with a key t1 also has: repairing t1 leaves it as it is.
      st.execute("UPDATE orders SET note = 'changed' WHERE tenant_id = 't2' AND id = 42");
      st.execute("UPDATE codes SET label = 'LABEL 7' WHERE tenant_id = 't1' AND code = 'c-7'");
      st.execute("DELETE FROM codes WHERE tenant_id = 't1' AND code = 'c-8'");
      st.execute("UPDATE readings SET v = -1 WHERE tenant_id = 't1' AND sensor = 1 AND at = (SELECT min(at) FROM readings"
          + " WHERE tenant_id = 't1' AND sensor = 1)");
      st.execute("DELETE FROM notes WHERE tenant_id = 't1' AND v = 'n7'");
    }

    TablePlan orders = job.plan("t1", "public.orders");
    List<KeyRange> ranges = Units.ranges(orders.split().quantiles(), 4);
    int repairedByKey = 0;
    int repairedWhole = 0;
    for (KeyRange range : ranges) {
      VerifyFindings found = verified(job, orders, range);
      if (found.clean()) {
        continue;
      }
      if (found.listsEveryDifference()) {
        repairedByKey++;
      } else {
        repairedWhole++;
        assertThat(found.differenceCount()).isGreaterThan(VerifyFindings.MAX_LISTED);
      }
      UnitOutcome repaired = job.run(repair(job, orders, range, found, 1));
      assertThat(repaired.ok()).as(repaired.error()).isTrue();
      assertThat(verified(job, orders, range).clean()).as("t1 orders " + range + " after its repair").isTrue();
    }
    assertThat(repairedByKey).isGreaterThanOrEqualTo(2);
    assertThat(repairedWhole).isEqualTo(1);
    assertThat(note(job, "t2", 42)).isEqualTo("changed");

    TablePlan t2orders = job.plan("t2", "public.orders");
    VerifyFindings t2 = verified(job, t2orders, KeyRange.ALL);
    assertThat(t2.differences()).containsExactly(new Difference(Kind.DIFFERENT, List.of("42"), List.of("note")));
    UnitOutcome repairedT2 = job.run(repair(job, t2orders, KeyRange.ALL, t2, 1));
    assertThat(repairedT2.ok()).as(repairedT2.error()).isTrue();
    assertThat(repairedT2.rows()).isEqualTo(1);
    assertThat(note(job, "t2", 42)).isEqualTo("note 42");

    for (String table : List.of("public.codes", "public.readings", "public.notes")) {
      TablePlan p = job.plan("t1", table);
      VerifyFindings found = verified(job, p, KeyRange.ALL);
      assertThat(found.clean()).as(table).isFalse();
      UnitOutcome repaired = job.run(repair(job, p, KeyRange.ALL, found, 1));
      assertThat(repaired.ok()).as(repaired.error()).isTrue();
      assertThat(verified(job, p, KeyRange.ALL).clean()).as(table + " after its repair").isTrue();
    }
    job.assertTargetEqualsSources();
  }

  /**
   * A target table the user partitioned by the tenant column (LIST, one partition per tenant), filled by a
   * preserve_schema job through its parent: one tenant's partition truncated after the copy is found range by
   * range as missing rows of that tenant (more than a unit lists: each range is repaired whole), repaired
   * through the parent, and clean again; the other tenant's partition is never touched.
   */
  @Test
  void aTruncatedPartitionOfATargetPartitionedByTenantIsFoundAndRepaired() throws Exception {
    String target = DBS.create("rp_part");
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      st.execute("CREATE TABLE orders (tenant_id text NOT NULL, id bigint NOT NULL, customer text NOT NULL,"
          + " amount numeric(12,2), placed timestamptz, note text, PRIMARY KEY (tenant_id, id)) PARTITION BY LIST (tenant_id)");
      st.execute("CREATE TABLE orders_t1 PARTITION OF orders FOR VALUES IN ('t1')");
      st.execute("CREATE TABLE orders_t2 PARTITION OF orders FOR VALUES IN ('t2')");
    }
    JobSpec spec = new JobSpec("repair-partition", sources.source(),
        new TargetSpec("postgresql", target, DBS.user(), DBS.password(), null, "tenant_id"),
        new TableSelection(List.of("public.orders"), List.of()), Mode.PRESERVE_SCHEMA, null);
    LocalJob job = new LocalJob(DBS, spec, "repair-partition-");
    assertThat(job.reply.problems()).isEmpty();
    job.runAll(5_000);
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM ONLY orders_t1")).as("rows routed to the tenant's partition").isEqualTo(ORDERS);
      st.execute("TRUNCATE orders_t1");
      st.execute("UPDATE orders_t2 SET customer = 'someone else' WHERE id = 4321");
    }

    TablePlan orders = job.plan("t1", "public.orders");
    List<KeyRange> ranges = Units.ranges(orders.split().quantiles(), 2);
    long missing = 0;
    for (KeyRange range : ranges) {
      VerifyFindings found = verified(job, orders, range);
      assertThat(found.targetRows()).isZero();
      assertThat(found.differenceCount()).isEqualTo(found.sourceRows());
      assertThat(found.differences()).hasSize(VerifyFindings.MAX_LISTED).allMatch(d -> d.kind() == Kind.MISSING);
      missing += found.differenceCount();
      UnitOutcome repaired = job.run(repair(job, orders, range, found, 1));
      assertThat(repaired.ok()).as(repaired.error()).isTrue();
      assertThat(repaired.rows()).isEqualTo(found.sourceRows());
      assertThat(verified(job, orders, range).clean()).as("t1 orders " + range + " after its repair").isTrue();
    }
    assertThat(missing).isEqualTo(ORDERS);

    TablePlan t2orders = job.plan("t2", "public.orders");
    VerifyFindings t2 = verified(job, t2orders, KeyRange.ALL);
    assertThat(t2.differences()).containsExactly(new Difference(Kind.DIFFERENT, List.of("4321"), List.of("customer")));
    UnitOutcome repairedT2 = job.run(repair(job, t2orders, KeyRange.ALL, t2, 1));
    assertThat(repairedT2.ok()).as(repairedT2.error()).isTrue();
    assertThat(repairedT2.rows()).isEqualTo(1);
    assertThat(verified(job, t2orders, KeyRange.ALL).clean()).isTrue();
    job.assertTargetEqualsSources();
    try (Connection t = DBS.open(target); Statement st = t.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM ONLY orders_t1")).isEqualTo(ORDERS);
      assertThat(count(st, "SELECT count(*) FROM ONLY orders_t2")).isEqualTo(ORDERS);
    }
  }

  @Test
  void aRepairWithAStaleLeaseEpochIsRefusedAndChangesNothing() throws Exception {
    LocalJob job = sources.copied("repair-stale");
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id = 77");
      st.execute("UPDATE orders SET customer = 'someone else' WHERE tenant_id = 't1' AND id = 78");
    }
    TablePlan orders = job.plan("t1", "public.orders");
    VerifyFindings found = verified(job, orders, KeyRange.ALL);
    assertThat(found.differenceCount()).isEqualTo(2);

    // A newer holder of the same repair unit stamped its epoch first (and has not finished).
    Assignment stale = repair(job, orders, KeyRange.ALL, found, 4);
    try (Connection t = DBS.open(job.spec.target().url())) {
      t.setAutoCommit(false);
      Dialects.target("postgresql").checkpoints().takeOverAndBegin(t, stale.unit().jobId(), stale.unit().id(), 5);
      t.commit();
    }
    UnitOutcome refused = job.run(stale);
    assertThat(refused.ok()).isFalse();
    assertThat(refused.error()).isEqualTo(UnitOutcome.LEASE_LOST);
    assertThat(verified(job, orders, KeyRange.ALL).differenceCount()).as("nothing changed").isEqualTo(2);

    UnitOutcome newer = job.run(repair(job, orders, KeyRange.ALL, found, 6));
    assertThat(newer.ok()).as(newer.error()).isTrue();
    assertThat(newer.rows()).isEqualTo(2);
    assertThat(verified(job, orders, KeyRange.ALL).clean()).isTrue();

    // Done: the same unit run again (a coordinator that lost its result) writes nothing.
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id = 77");
    }
    UnitOutcome again = job.run(repair(job, orders, KeyRange.ALL, found, 7));
    assertThat(again.ok()).as(again.error()).isTrue();
    assertThat(verified(job, orders, KeyRange.ALL).differences())
        .containsExactly(new Difference(Kind.MISSING, List.of("77"), List.of()));
  }

  @Test
  void rowsTheTargetRejectedDuringTheCopyAreLeftOutOfTheRepair() throws Exception {
    LocalJob job = new LocalJob(DBS, sources.spec("repair-rejects"), "repair-rejects-");
    job.prepare();
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("ALTER TABLE orders ADD CONSTRAINT no_125 CHECK (amount <> 125.00)"); // rejects id 100 of each tenant
    }
    for (TablePlan p : job.plans()) {
      Assignment copy = job.copyAssignment(p, 1, 5_000);
      UnitOutcome o = job.run(new Assignment(copy.unit(), copy.plan(), copy.source(), copy.target(), copy.tenantColumn(),
          List.of(), copy.chunkRows(), copy.chunkBytes(), copy.mode(), List.of(), RowErrorPolicy.REJECT));
      assertThat(o.ok()).as(o.error()).isTrue();
    }
    job.finish();
    TablePlan orders = job.plan("t1", "public.orders");
    Difference rejected = new Difference(Kind.MISSING, List.of("100"), List.of());
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id = 101");
    }
    VerifyFindings listed = verified(job, orders, KeyRange.ALL);
    assertThat(listed.differences()).containsExactly(rejected, new Difference(Kind.MISSING, List.of("101"), List.of()));
    UnitOutcome byKeys = job.run(repair(job, orders, KeyRange.ALL, listed, 1));
    assertThat(byKeys.ok()).as(byKeys.error()).isTrue();
    assertThat(byKeys.rows()).isEqualTo(1);
    assertThat(verified(job, orders, KeyRange.ALL).differences()).containsExactly(rejected);

    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id BETWEEN 201 AND 350");
    }
    VerifyFindings counted = verified(job, orders, KeyRange.ALL);
    assertThat(counted.listsEveryDifference()).isFalse();
    UnitOutcome recopied = job.run(repair(job, orders, KeyRange.ALL, counted, 1, 2));
    assertThat(recopied.ok()).as(recopied.error()).isTrue();
    assertThat(recopied.rows()).isEqualTo(ORDERS - 1);
    assertThat(verified(job, orders, KeyRange.ALL).differences()).containsExactly(rejected);
  }

  private static Assignment repair(LocalJob job, TablePlan plan, KeyRange range, VerifyFindings findings, long epoch) {
    return repair(job, plan, range, findings, epoch, 1);
  }

  /** The repair unit of a range in repair round {@code round} (each round a unit of its own). */
  private static Assignment repair(LocalJob job, TablePlan plan, KeyRange range, VerifyFindings findings, long epoch,
      int round) {
    WorkUnit unit = Units.unit("repair:" + round + ":" + plan.tenantId() + ":" + plan.targetTable() + ":" + range, job.spec.name(),
        UnitKind.REPAIR, plan, range, epoch).withFindings(findings);
    return new Assignment(unit, plan, job.source(plan), job.target(), job.spec.target().tenantColumn(), List.of(), 0, 0,
        job.spec.mode(), List.of(), null);
  }

  private static VerifyFindings verified(LocalJob job, TablePlan plan, KeyRange range) {
    UnitOutcome o = job.verify(plan, range);
    assertThat(o.ok()).as(o.error()).isTrue();
    return o.findings();
  }

  private static String note(LocalJob job, String tenant, long id) throws Exception {
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement();
         ResultSet rs = st.executeQuery("SELECT note FROM orders WHERE tenant_id = '" + tenant + "' AND id = " + id)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
