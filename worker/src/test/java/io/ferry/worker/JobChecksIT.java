package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Orphans;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.unit.UnitOutcome;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The job-level verify unit on a PostgreSQL target: two tenants consolidated with {@code keys: composite},
 * so the foreign key from orders to customers leads with the tenant column. A row orphaned in one tenant is
 * named with its tenant, table, key and foreign key, while the same customer key is fine in the other
 * tenant; and an order of tenant t2 pointing at a customer only t1 has is an orphan of t2.
 */
class JobChecksIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final String FK = "orders_customer_id_fkey";

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  /** t1 has 600 customers, t2 500; each has 2,000 orders of customers 1 … 500. */
  private static LocalJob copied(String name) throws Exception {
    List<TenantSpec> tenants = new ArrayList<>();
    for (String tenant : List.of("t1", "t2")) {
      String url = DBS.create("jc_" + tenant);
      try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text)");
        st.execute("INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, " + (tenant.equals("t1") ? 600 : 500) + ") g");
        st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total int)");
        st.execute("INSERT INTO orders SELECT g, CASE WHEN g % 100 = 0 THEN NULL ELSE 1 + g % 500 END, g"
            + " FROM generate_series(1, 2000) g");
        st.execute("ANALYZE");
      }
      tenants.add(new TenantSpec(tenant, url, DBS.user(), DBS.password()));
    }
    JobSpec spec = new JobSpec(name, new SourceSpec("postgresql", tenants),
        new TargetSpec("postgresql", DBS.create("jc_tgt"), DBS.user(), DBS.password(), null, "tenant_id"),
        new TableSelection(List.of("public.*"), List.of()), Mode.CREATE, null);
    LocalJob job = new LocalJob(DBS, spec, name + "-");
    job.runAll(5_000);
    return job;
  }

  @Test
  void aRowOrphanedInOneTenantIsNamedWhileTheSameKeyIsFineInTheOther() throws Exception {
    LocalJob job = copied("job-checks");
    UnitOutcome clean = job.jobChecks();
    assertThat(clean.ok()).as(clean.error()).isTrue();
    assertThat(clean.findings().orphans()).isEmpty();
    assertThat(clean.findings().clean()).isTrue();
    assertThat(clean.findings().scope()).isEqualTo("rows the target rejected; foreign-key orphans of 1 foreign key(s)"
        + " among the job's 2 table(s)");

    try (Connection t = DBS.open(job.spec.target().url()); Statement st = t.createStatement()) {
      // As a user with the right to bypass the key would (a restore, a trigger-less bulk fix): the key does not see it.
      st.execute("SET session_replication_role = replica");
      st.execute("DELETE FROM customers WHERE tenant_id = 't1' AND id = 7");
      st.execute("UPDATE orders SET customer_id = 555 WHERE tenant_id = 't2' AND id = 3");
    }
    UnitOutcome found = job.jobChecks();
    assertThat(found.ok()).as(found.error()).isTrue();
    VerifyFindings f = found.findings();
    assertThat(f.clean()).isFalse();
    assertThat(f.orphans()).containsExactly(
        new Orphans("t1", "public.orders", FK, "public.customers", 4,
            List.of(List.of("6"), List.of("506"), List.of("1006"), List.of("1506"))),
        new Orphans("t2", "public.orders", FK, "public.customers", 1, List.of(List.of("3"))));
  }
}
