package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.PlanIndex;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.job.UnitScope;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Limits;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a worker needs to execute a claimed unit: its plan, connections (passwords as written in
 * the submitted spec) and the statements it runs. Prepare and finish units of a target table act for
 * all tenants of that table, so they carry the first tenant's plan: the tenants' plans of one target
 * table have the same columns (checked at submission), hence the same DDL.
 */
public final class AssignmentFactory {

  public static final long CHUNK_ROWS = 50_000;
  public static final long CHUNK_BYTES = 32L * 1024 * 1024;

  private final JobSecrets secrets;
  private final long chunkRows;
  /** Per job: its plans by table and tenant, and its tenants by id (both looked up on every claim). */
  private final Map<String, PlanIndex> plans = new HashMap<>();
  private final Map<String, Tenants> tenants = new HashMap<>();

  public AssignmentFactory(JobSecrets secrets) {
    this(secrets, CHUNK_ROWS);
  }

  /** @param chunkRows rows per chunk transaction (the bytes limit stays {@link #CHUNK_BYTES}) */
  public AssignmentFactory(JobSecrets secrets, long chunkRows) {
    this.secrets = secrets;
    this.chunkRows = chunkRows;
  }

  public Assignment assignment(JobRecord job, WorkUnit unit) {
    return assignment(job, unit, List.of());
  }

  /** @param copyUnits for a rollback unit, the copy units it rolls back (see {@link Rollbacks#copies}) */
  public Assignment assignment(JobRecord job, WorkUnit unit, List<WorkUnit> copyUnits) {
    JobSpec spec = secrets.spec(job);
    TablePlan plan = indexed(job, unit);
    List<String> statements = switch (unit.kind()) {
      case PREPARE -> UnitScope.of(unit) == UnitScope.JOB ? typeStatements(job) : plan.ddl().prepare();
      case FINISH -> UnitScope.of(unit) == UnitScope.JOB ? foreignKeys(job) : plan.ddl().finish();
      default -> List.of();
    };
    String tenantId = unit.slice().tenantId() != null ? unit.slice().tenantId() : plan.tenantId();
    Limits limits = spec.limitsOrNone();
    // A verify or repair unit reads what its copy unit wrote: the same slim plan.
    boolean ranged = unit.kind() == UnitKind.COPY || unit.kind() == UnitKind.VERIFY || unit.kind() == UnitKind.REPAIR;
    boolean jobChecks = unit.kind() == UnitKind.VERIFY && UnitScope.of(unit) == UnitScope.JOB;
    return new Assignment(unit, ranged ? forCopy(plan) : plan, source(job.id(), spec, tenantId), spec.target().endpoint(),
        spec.target().tenantColumn(), statements == null ? List.of() : statements,
        chunkSize(chunkRows, limits.rowsPerSecond(), MIN_CHUNK_ROWS), chunkSize(CHUNK_BYTES, limits.bytesPerSecond(), MIN_CHUNK_BYTES),
        spec.mode(), copyUnits, spec.onRowErrorOrDefault(), jobChecks ? targetTables(job) : List.of());
  }

  /** The job's target tables, each once, in plan order: the job-level verify unit checks the foreign keys among them. */
  static List<String> targetTables(JobRecord job) {
    return List.copyOf(UnitPlanner.byTargetTable(job.plans()).keySet());
  }

  /**
   * The part of a plan a copy unit reads: columns, key, copy format, source table, UUID columns. The rest — the ~1,000
   * key quantiles the splitter chose ranges from, the DDL of prepare and finish, the warnings — was about
   * 12 KB of a 13 KB plan in every copy assignment, encoded by the coordinator and decoded by the worker
   * on each claim's round trip, and never read.
   */
  static TablePlan forCopy(TablePlan plan) {
    return new TablePlan(plan.tenantId(), plan.sourceTable(), plan.targetTable(), plan.columns(),
        plan.split().withoutQuantiles(), plan.estimatedRows(), plan.estimatedBytes(), plan.copyFormat(), plan.partitionOf(),
        TargetDdl.NONE, plan.targetExists(), plan.targetHasRows(), plan.readBytesPerSecond(), List.of(), plan.uuids());
  }

  static final long MIN_CHUNK_ROWS = 500;
  static final long MIN_CHUNK_BYTES = 256L * 1024;

  /**
   * Under a rate limit a chunk holds about one second of the rate (never less than {@code min}): the
   * target then sees committed progress every second or so, and a unit given away or stopped loses at
   * most that much. Unlimited, the configured size.
   */
  static long chunkSize(long configured, Long ratePerSecond, long min) {
    if (ratePerSecond == null) {
      return configured;
    }
    return Math.min(configured, Math.max(min, ratePerSecond));
  }

  /**
   * The unit's plan: a copy unit's own tenant table; a table's prepare/finish: the first tenant's plan of
   * that table; the job-level finish: the job's first plan (it only runs its statements on the target).
   */
  static TablePlan plan(JobRecord job, WorkUnit unit) {
    for (TablePlan p : job.plans()) {
      boolean sameTable = unit.slice().table() == null || unit.slice().table().equals(p.targetTable());
      boolean sameTenant = unit.slice().tenantId() == null || unit.slice().tenantId().equals(p.tenantId());
      if (sameTable && sameTenant) {
        return p;
      }
    }
    throw new IllegalStateException("job " + job.id() + " has no table plan for " + unit.describe());
  }

  /** {@link #plan}, from the job's {@link PlanIndex}. */
  private TablePlan indexed(JobRecord job, WorkUnit unit) {
    PlanIndex index = plans.get(job.id());
    if (index == null || !index.of(job.plans())) {
      index = new PlanIndex(job.plans());
      plans.put(job.id(), index);
    }
    TablePlan plan = index.plan(unit.slice().table(), unit.slice().tenantId());
    if (plan == null) {
      throw new IllegalStateException("job " + job.id() + " has no table plan for " + unit.describe());
    }
    return plan;
  }

  /**
   * Foreign keys are declared per tenant table but created once per target table: every tenant's plan
   * carries the same ones, so one tenant's list (deduplicated) is the job's.
   */
  static List<String> foreignKeys(JobRecord job) {
    String tenant = job.plans().get(0).tenantId();
    Set<String> fks = new LinkedHashSet<>();
    for (TablePlan p : job.plans()) {
      if (Objects.equals(p.tenantId(), tenant) && p.ddl().foreignKeys() != null) {
        fks.addAll(p.ddl().foreignKeys());
      }
    }
    return List.copyOf(fks);
  }

  /**
   * The job-level prepare ({@code prepare:*types}) creates every user-defined type once, before any table:
   * the union of the plans' type statements in survey order (dependencies come first in each plan), each
   * once. The statements are idempotent, so tenants sharing a type need no coordination.
   */
  static List<String> typeStatements(JobRecord job) {
    Set<String> statements = new LinkedHashSet<>();
    for (TablePlan p : job.plans()) {
      if (p.ddl().types() != null) {
        statements.addAll(p.ddl().types());
      }
    }
    return List.copyOf(statements);
  }

  private Endpoint source(String jobId, JobSpec spec, String tenantId) {
    Tenants known = tenants.get(jobId);
    if (known == null || known.list() != spec.source().tenants()) {
      known = Tenants.of(spec.source().tenants());
      tenants.put(jobId, known);
    }
    TenantSpec t = known.byId().get(tenantId);
    if (t == null) {
      throw new IllegalStateException("job " + spec.name() + " has no tenant " + tenantId);
    }
    return spec.source().endpoint(t);
  }

  /** A spec's tenants by id; {@code list} is the spec's own list (a job's tenants never change). */
  private record Tenants(List<TenantSpec> list, Map<String, TenantSpec> byId) {

    static Tenants of(List<TenantSpec> list) {
      Map<String, TenantSpec> byId = new HashMap<>();
      list.forEach(t -> byId.putIfAbsent(t.id(), t));
      return new Tenants(list, byId);
    }
  }
}
