package io.ferry.coordinator;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import java.util.ArrayList;
import java.util.List;

/** Specs and table plans for tests. */
public final class Fixtures {

  public static final List<ColumnPlan> COLUMNS = List.of(new ColumnPlan("id", "bigint", false, null, null), new ColumnPlan("name", "text", true, null, null));

  private Fixtures() {
  }

  public static TablePlan plan(String tenant, String table, long rows, long bytes, List<String> quantiles) {
    return plan(tenant, table, rows, bytes, quantiles, List.of());
  }

  public static TablePlan plan(String tenant, String table, long rows, long bytes, List<String> quantiles, List<String> fks) {
    SplitPlan split = new SplitPlan(List.of("id"), List.of("bigint"), false, List.of(true),
        quantiles.isEmpty() ? SplitMethod.SINGLE_UNIT : SplitMethod.PRIMARY_KEY, quantiles.stream().map(List::of).toList(), "histogram");
    TargetDdl ddl = new TargetDdl(List.of(), List.of("CREATE TABLE " + table + " (id bigint NOT NULL, name text)"),
        List.of("ALTER TABLE " + table + " ADD PRIMARY KEY (id)"), fks);
    return new TablePlan(tenant, table, table, COLUMNS, split, rows, bytes, CopyFormat.BINARY, null, ddl, false, false, 0, List.of());
  }

  /** A plan over a key of any shape: quantiles are tuples of text, one value per key column. */
  public static TablePlan keyedPlan(String tenant, String table, SplitMethod method, List<String> key, List<String> keyTypes,
      boolean keyNullable, long rows, long bytes, List<List<String>> quantiles, String partitionOf) {
    // Portable unless over row addresses; withCollatedKey makes a text key.
    SplitPlan split = new SplitPlan(key, keyTypes, keyNullable, key.stream().map(k -> method != SplitMethod.CTID).toList(), method,
        quantiles, "sample");
    TargetDdl ddl = new TargetDdl(List.of(),
        partitionOf == null ? List.of("CREATE TABLE " + table + " (id bigint NOT NULL, name text)") : List.of(),
        List.of("ANALYZE " + table), List.of());
    return new TablePlan(tenant, table, table, COLUMNS, split, rows, bytes, CopyFormat.BINARY, partitionOf, ddl, false, false, 0,
        List.of());
  }

  /** The same plan, its key ordered by a collation (a text key): a range over it is not portable to the target. */
  public static TablePlan withCollatedKey(TablePlan p) {
    return withKeyOrder(p, p.split().key().stream().map(k -> false).toList());
  }

  /** The same plan with this key order (null: a stored plan that has none). */
  public static TablePlan withKeyOrder(TablePlan p, List<Boolean> keyOrderPortable) {
    SplitPlan s = p.split();
    return with(p, new SplitPlan(s.key(), s.types(), s.nullable(), keyOrderPortable, s.method(), s.quantiles(), s.sampleMethod()),
        p.ddl());
  }

  /** The same plan, needing user-defined types created by these statements first. */
  public static TablePlan withTypes(TablePlan p, List<String> typeStatements) {
    TargetDdl d = p.ddl();
    return with(p, p.split(), new TargetDdl(typeStatements, d.prepare(), d.finish(), d.foreignKeys()));
  }

  private static TablePlan with(TablePlan p, SplitPlan split, TargetDdl ddl) {
    return new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(), split, p.estimatedRows(), p.estimatedBytes(),
        p.copyFormat(), p.partitionOf(), ddl, p.targetExists(), p.targetHasRows(), p.readBytesPerSecond(), p.warnings());
  }

  /** Evenly spread integer quantiles 0, step, 2*step … (count values). */
  public static List<String> quantiles(int count, long step) {
    List<String> q = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      q.add(Long.toString(i * step));
    }
    return q;
  }

  public static JobSpec spec(String name, String targetUrl, String targetPassword, String... tenants) {
    List<TenantSpec> list = new ArrayList<>();
    for (String t : tenants) {
      list.add(new TenantSpec(t, "jdbc:postgresql://127.0.0.1:5432/" + t, "postgres", "source-secret-" + t));
    }
    return new JobSpec(name, new SourceSpec("postgresql", list),
        new TargetSpec("postgresql", targetUrl, "postgres", targetPassword, null, tenants.length > 1 ? "tenant_id" : null),
        null, Mode.CREATE, null);
  }
}
