package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verify units between two PostgreSQL databases: two tenants consolidated into one target, verified clean
 * range by range, then the target corrupted in known ways and each corruption found, named by tenant, key
 * and column, and nothing else.
 */
class VerifyIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final int ORDERS = TenantSources.ORDERS;
  private static final List<String> TENANTS = TenantSources.TENANTS;
  private static TenantSources sources;

  @BeforeAll
  static void createSources() throws Exception {
    sources = TenantSources.create(DBS, "vf_",
        "CREATE TABLE events (id int, at date, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
        "CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "INSERT INTO events SELECT g, date '2023-07-01' + (g % 2) * 365, 'e' || g FROM generate_series(1, 400) g");
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  @Test
  void aCleanConsolidationVerifiesCleanInEveryRangeAndAsAWhole() throws Exception {
    LocalJob job = sources.copied("verify-clean");
    job.assertVerifiesClean();
    for (String tenant : TENANTS) {
      TablePlan orders = job.plan(tenant, "public.orders");
      long rows = 0;
      for (KeyRange range : Units.ranges(orders.split().quantiles(), 4)) {
        UnitOutcome o = job.verify(orders, range);
        assertThat(o.ok()).as(o.error()).isTrue();
        assertThat(o.findings().clean()).as(range + ": " + o.findings()).isTrue();
        assertThat(o.findings().ranges()).isEqualTo(1);
        rows += o.findings().sourceRows();
      }
      assertThat(rows).isEqualTo(ORDERS);
    }
  }

  @Test
  void eachCorruptionOfTheTargetIsNamedByTenantKeyAndColumn() throws Exception {
    LocalJob job = sources.copied("verify-corrupt");
    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      st.execute("DELETE FROM orders WHERE tenant_id = 't1' AND id IN (10, 11)");
      st.execute("UPDATE orders SET amount = amount + 0.01 WHERE tenant_id = 't1' AND id = 12500");
      st.execute("INSERT INTO orders VALUES ('t1', 100000, 'intruder', 1, NULL, NULL)");
      // Another tenant's row with a key t1 also has: t2's findings name it, t1's do not.
      st.execute("UPDATE orders SET note = 'changed' WHERE tenant_id = 't2' AND id = 42");
      st.execute("UPDATE codes SET label = 'LABEL 7' WHERE tenant_id = 't1' AND code = 'c-7'");
      st.execute("TRUNCATE events_2023");
      st.execute("DELETE FROM notes WHERE tenant_id = 't1' AND v = 'n7'");
    }

    List<VerifyFindings> t1 = verifyInRanges(job, job.plan("t1", "public.orders"));
    assertThat(differences(t1)).containsExactly(
        new Difference(Kind.MISSING, List.of("10"), List.of()),
        new Difference(Kind.MISSING, List.of("11"), List.of()),
        new Difference(Kind.DIFFERENT, List.of("12500"), List.of("amount")),
        new Difference(Kind.EXTRA, List.of("100000"), List.of()));
    assertThat(t1.stream().mapToLong(VerifyFindings::differenceCount).sum()).isEqualTo(4);
    assertThat(t1.stream().mapToLong(VerifyFindings::sourceRows).sum()).isEqualTo(ORDERS);
    assertThat(t1.stream().mapToLong(VerifyFindings::targetRows).sum()).isEqualTo(ORDERS - 1);
    // The ranges of 5,000 rows were bisected down to leaves of at most 1,000 before keys were listed.
    VerifyFindings changed = t1.stream().filter(f -> f.differences().stream().anyMatch(d -> d.key().equals(List.of("12500"))))
        .findFirst().orElseThrow();
    assertThat(changed.ranges()).isGreaterThan(1);
    assertThat(changed.mismatchedRanges()).isEqualTo(2);

    List<VerifyFindings> t2 = verifyInRanges(job, job.plan("t2", "public.orders"));
    assertThat(differences(t2)).containsExactly(new Difference(Kind.DIFFERENT, List.of("42"), List.of("note")));

    UnitOutcome codes = job.verify(job.plan("t1", "public.codes"), KeyRange.ALL);
    assertThat(codes.ok()).as(codes.error()).isTrue();
    assertThat(codes.findings().differences()).containsExactly(new Difference(Kind.DIFFERENT, List.of("c-7"), List.of("label")));
    assertThat(job.verify(job.plan("t2", "public.codes"), KeyRange.ALL).findings().clean()).isTrue();

    for (String tenant : TENANTS) {
      UnitOutcome events = job.verify(job.plan(tenant, "public.events_2023"), KeyRange.ALL);
      assertThat(events.ok()).as(events.error()).isTrue();
      assertThat(events.findings().sourceRows()).isEqualTo(200);
      assertThat(events.findings().targetRows()).isZero();
      assertThat(events.findings().differenceCount()).isEqualTo(200);
      assertThat(events.findings().differences()).hasSize(VerifyFindings.MAX_LISTED).allMatch(d -> d.kind() == Kind.MISSING);
      assertThat(events.findings().differences().get(0).key()).containsExactly("2", "2023-07-01");
      assertThat(job.verify(job.plan(tenant, "public.events_2024"), KeyRange.ALL).findings().clean()).isTrue();
    }

    UnitOutcome notes = job.verify(job.plan("t1", "public.notes"), KeyRange.ALL);
    assertThat(notes.ok()).as(notes.error()).isTrue();
    assertThat(notes.findings().clean()).isFalse();
    assertThat(notes.findings().differenceCount()).isEqualTo(1);
    assertThat(notes.findings().differences()).isEmpty();
    assertThat(notes.findings().scope()).contains("without a key");
  }

  @Test
  void aRangeOverAKeyWhoseOrderIsNotPortableIsRefused() throws Exception {
    LocalJob job = sources.copied("verify-text-key");
    TablePlan codes = job.plan("t1", "public.codes");
    assertThat(codes.split().orderPortable()).containsExactly(false);
    UnitOutcome o = job.verify(codes, new KeyRange(List.of("c-1"), List.of("c-5")));
    assertThat(o.ok()).isFalse();
    assertThat(o.retryable()).isFalse();
    assertThat(o.error()).contains("verify such a table with one unit over the tenant's whole table");
  }

  private static List<VerifyFindings> verifyInRanges(LocalJob job, TablePlan plan) {
    List<VerifyFindings> out = new ArrayList<>();
    for (KeyRange range : Units.ranges(plan.split().quantiles(), 4)) {
      UnitOutcome o = job.verify(plan, range);
      assertThat(o.ok()).as(o.error()).isTrue();
      out.add(o.findings());
    }
    return out;
  }

  private static List<Difference> differences(List<VerifyFindings> findings) {
    return findings.stream().flatMap(f -> f.differences().stream()).toList();
  }
}
