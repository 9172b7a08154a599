package io.ferry.worker;

import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Two tenants' PostgreSQL source databases with the same tables, {@code orders} ({@link #ORDERS} rows, a bigint
 * key), {@code codes} (a text key), {@code notes} (no key) and whatever a test adds; and the job that consolidates
 * them into one target under {@code tenant_id}, which the verify and repair tests then corrupt.
 */
final class TenantSources {

  static final int ORDERS = 20_000;
  static final List<String> TENANTS = List.of("t1", "t2");

  private final TestPostgres dbs;
  private final String prefix;
  private final List<String> urls;

  private TenantSources(TestPostgres dbs, String prefix, List<String> urls) {
    this.dbs = dbs;
    this.prefix = prefix;
    this.urls = List.copyOf(urls);
  }

  /**
   * Creates each tenant's database, named after {@code prefix} and the tenant.
   *
   * @param more statements run in each after its shared tables are filled (and before {@code ANALYZE})
   */
  static TenantSources create(TestPostgres dbs, String prefix, String... more) throws SQLException {
    List<String> urls = new ArrayList<>();
    for (String tenant : TENANTS) {
      String url = dbs.create(prefix + tenant);
      urls.add(url);
      try (Connection c = dbs.open(url); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2),"
            + " placed timestamptz, note text)");
        st.execute("INSERT INTO orders SELECT g, 'customer ' || (g % 97), g * 1.25, timestamptz '2024-01-01 00:00+00'"
            + " + g * interval '1 minute', CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END"
            + " FROM generate_series(1, " + ORDERS + ") g");
        st.execute("CREATE TABLE codes (code text PRIMARY KEY, label text)");
        st.execute("INSERT INTO codes SELECT 'c-' || g, 'label ' || g FROM generate_series(1, 300) g");
        st.execute("CREATE TABLE notes (v text)");
        st.execute("INSERT INTO notes SELECT 'n' || g FROM generate_series(1, 50) g");
        for (String sql : more) {
          st.execute(sql);
        }
        st.execute("ANALYZE");
      }
    }
    return new TenantSources(dbs, prefix, urls);
  }

  /** The tenants as a job's PostgreSQL source. */
  SourceSpec source() {
    List<TenantSpec> tenants = new ArrayList<>();
    for (int i = 0; i < TENANTS.size(); i++) {
      tenants.add(new TenantSpec(TENANTS.get(i), urls.get(i), dbs.user(), dbs.password()));
    }
    return new SourceSpec("postgresql", tenants);
  }

  /** A job of every table into a new target database, in {@code create} mode. */
  JobSpec spec(String name) throws SQLException {
    return new JobSpec(name, source(),
        new TargetSpec("postgresql", dbs.create(prefix + "tgt"), dbs.user(), dbs.password(), null, "tenant_id"),
        new TableSelection(List.of("public.*"), List.of()), Mode.CREATE, null);
  }

  /** That job, run whole: copied in chunks of 5,000 rows. */
  LocalJob copied(String name) throws SQLException {
    LocalJob job = new LocalJob(dbs, spec(name), name + "-");
    job.runAll(5_000);
    return job;
  }
}
