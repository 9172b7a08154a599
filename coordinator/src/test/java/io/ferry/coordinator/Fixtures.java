package io.ferry.coordinator;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import java.util.ArrayList;
import java.util.List;

/** Specs and table plans for tests. */
public final class Fixtures {

  public static final List<ColumnPlan> COLUMNS = List.of(new ColumnPlan("id", "bigint", false), new ColumnPlan("name", "text", true));

  private Fixtures() {
  }

  public static TablePlan plan(String tenant, String table, long rows, long bytes, List<String> quantiles) {
    return plan(tenant, table, rows, bytes, quantiles, List.of());
  }

  public static TablePlan plan(String tenant, String table, long rows, long bytes, List<String> quantiles, List<String> fks) {
    return new TablePlan(tenant, table, table, COLUMNS, List.of("id"), List.of("bigint"), false, List.of(true),
        quantiles.isEmpty() ? SplitMethod.SINGLE_UNIT : SplitMethod.PRIMARY_KEY, rows, bytes,
        quantiles.stream().map(List::of).toList(), "histogram", CopyFormat.BINARY, null, List.of(),
        List.of("CREATE TABLE " + table + " (id bigint NOT NULL, name text)"),
        List.of("ALTER TABLE " + table + " ADD PRIMARY KEY (id)"), fks, false, false, 0, List.of());
  }

  /** A plan over a key of any shape: quantiles are tuples of text, one value per key column. */
  public static TablePlan keyedPlan(String tenant, String table, SplitMethod method, List<String> key, List<String> keyTypes,
      boolean keyNullable, long rows, long bytes, List<List<String>> quantiles, String partitionOf) {
    return new TablePlan(tenant, table, table, COLUMNS, key, keyTypes, keyNullable,
        key.stream().map(k -> method != SplitMethod.CTID).toList(), method, rows, bytes, quantiles,
        "sample", CopyFormat.BINARY, partitionOf, List.of(),
        partitionOf == null ? List.of("CREATE TABLE " + table + " (id bigint NOT NULL, name text)") : List.of(),
        List.of("ANALYZE " + table), List.of(), false, false, 0, List.of());
  }

  /** The same plan, its key ordered by a collation (a text key): a range over it is not portable to the target. */
  public static TablePlan withCollatedKey(TablePlan p) {
    return withKeyOrder(p, p.key().stream().map(k -> false).toList());
  }

  /** The same plan with this key order (null: a stored plan that predates the field). */
  public static TablePlan withKeyOrder(TablePlan p, List<Boolean> keyOrderPortable) {
    return new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(), p.key(), p.keyTypes(), p.keyNullable(),
        keyOrderPortable, p.splitMethod(), p.estimatedRows(), p.estimatedBytes(), p.keyQuantiles(), p.keySampleMethod(),
        p.copyFormat(), p.partitionOf(), p.typeStatements(), p.prepareStatements(), p.finishStatements(), p.foreignKeys(),
        p.targetExists(), p.targetHasRows(), p.readBytesPerSecond(), p.warnings());
  }

  /** The same plan, needing user-defined types created by these statements first. */
  public static TablePlan withTypes(TablePlan p, List<String> typeStatements) {
    return new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(), p.key(), p.keyTypes(), p.keyNullable(), p.keyOrderPortable(),
        p.splitMethod(), p.estimatedRows(), p.estimatedBytes(), p.keyQuantiles(), p.keySampleMethod(), p.copyFormat(),
        p.partitionOf(), typeStatements, p.prepareStatements(), p.finishStatements(), p.foreignKeys(), p.targetExists(),
        p.targetHasRows(), p.readBytesPerSecond(), p.warnings());
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
