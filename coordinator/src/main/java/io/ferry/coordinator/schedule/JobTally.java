package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.UnitScope;
import io.ferry.coordinator.job.Verification;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job's units summed, kept up to date at every change of a unit ({@link UnitIndex}): what
 * {@code GET /api/v1/jobs}, the job's status, {@code /metrics}, the {@link Unblocker}, and through its
 * {@link TenantTable}s the dashboard's grid and the report read, so each costs the job's tables rather
 * than its units (a scan of a 100,000-unit job per status request took longer than the request may).
 * Every figure is what a count over the job's units gives; the tests check it against such a count.
 */
public final class JobTally {

  private final long[] byState = new long[UnitState.values().length];
  /** Units not done, by kind. */
  private final long[] openByKind = new long[UnitKind.values().length];
  /** Prepare, copy, finish and repair units of a table that are not done. */
  private long openTableSteps;
  private final long[] copied = new long[5];
  private final Map<String, Table> tables = new LinkedHashMap<>();
  private final Map<String, WorkUnit> failed = new LinkedHashMap<>();
  private int rangeVerifies;
  private int verified;
  private final Map<String, WorkUnit> unclean = new LinkedHashMap<>();
  private final Map<String, WorkUnit> rejectedCopies = new LinkedHashMap<>();
  private WorkUnit jobChecks;
  /** Each tenant's share of each table (tenant null: the table's own steps), tenants and tables in the order of their first units. */
  private final Map<String, Map<String, TenantTable>> tenantTables = new LinkedHashMap<>();

  /** The tally of {@code units} counted afresh, for a caller that holds units rather than a board. */
  public static JobTally of(Collection<WorkUnit> units) {
    JobTally tally = new JobTally();
    units.forEach(tally::add);
    return tally;
  }

  /** One target table's units (rollback units not counted), as the job's status shows them. */
  public static final class Table {
    private final String name;
    private long unitsTotal;
    private long unitsDone;
    private long failedUnits;
    private long rowsDone;
    private long rowsRejected;
    private long rowsEstimated;
    private UnitState prepare;
    private UnitState finish;
    private long openVerifies;
    private long openCopying;

    Table(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    public long unitsTotal() {
      return unitsTotal;
    }

    public long unitsDone() {
      return unitsDone;
    }

    public boolean failed() {
      return failedUnits > 0;
    }

    /** Rows copied by the table's copy units (a repair copies rows again: not counted). */
    public long rowsDone() {
      return rowsDone;
    }

    public long rowsRejected() {
      return rowsRejected;
    }

    public long rowsEstimated() {
      return rowsEstimated;
    }

    /** Its prepare unit's state; done when it has none (a leaf partition's parent creates it). */
    public UnitState prepare() {
      return prepare == null ? UnitState.DONE : prepare;
    }

    /** Its finish unit's state; done when it has none. */
    public UnitState finish() {
      return finish == null ? UnitState.DONE : finish;
    }

    /** Whether it has a prepare unit of its own. */
    public boolean hasPrepare() {
      return prepare != null;
    }

    /** Whether it has a finish unit of its own. */
    public boolean hasFinish() {
      return finish != null;
    }

    /** A copy or repair unit of it is not done. */
    public boolean copying() {
      return openCopying > 0;
    }

    /** A verify unit of it is not done. */
    public boolean verifying() {
      return openVerifies > 0;
    }

    void count(WorkUnit u, int sign) {
      boolean done = u.state() == UnitState.DONE;
      unitsTotal += sign;
      unitsDone += done ? sign : 0;
      failedUnits += u.state() == UnitState.FAILED ? sign : 0;
      switch (u.kind()) {
        case PREPARE -> prepare = sign > 0 ? u.state() : null;
        case FINISH -> finish = sign > 0 ? u.state() : null;
        case VERIFY -> openVerifies += done ? 0 : sign;
        case REPAIR -> openCopying += done ? 0 : sign;
        default -> {
          rowsDone += sign * u.progress().rows();
          rowsRejected += sign * u.progress().rejected();
          rowsEstimated += sign * u.slice().estimatedRows();
          openCopying += done ? 0 : sign;
        }
      }
    }
  }

  void add(WorkUnit u) {
    count(u, 1);
    if (u.state() == UnitState.FAILED) {
      failed.put(u.id(), u);
    }
    if (u.kind() == UnitKind.COPY && u.progress().rejected() > 0) {
      rejectedCopies.put(u.id(), u);
    }
    if (u.kind() == UnitKind.VERIFY) {
      if (UnitScope.of(u) == UnitScope.JOB) {
        jobChecks = u;
      } else {
        VerifyFindings f = Verification.verifiedWith(u);
        if (f != null && !f.clean()) {
          unclean.put(u.id(), u);
        }
      }
    }
  }

  void remove(WorkUnit u) {
    count(u, -1);
    failed.remove(u.id());
    rejectedCopies.remove(u.id());
    unclean.remove(u.id());
    if (jobChecks != null && jobChecks.id().equals(u.id())) {
      jobChecks = null;
    }
  }

  private void count(WorkUnit u, int sign) {
    byState[u.state().ordinal()] += sign;
    boolean done = u.state() == UnitState.DONE;
    if (!done) {
      openByKind[u.kind().ordinal()] += sign;
    }
    String table = u.slice().table();
    boolean step = u.kind() == UnitKind.PREPARE || u.kind() == UnitKind.COPY || u.kind() == UnitKind.FINISH
        || u.kind() == UnitKind.REPAIR;
    if (!done && step && table != null) {
      openTableSteps += sign;
    }
    if (u.kind() == UnitKind.COPY) {
      copied[0] += sign * u.progress().rows();
      copied[1] += sign * u.progress().rejected();
      copied[2] += sign * u.progress().bytes();
      copied[3] += sign * u.slice().estimatedRows();
      copied[4] += sign * u.slice().estimatedBytes();
    }
    if (u.kind() == UnitKind.VERIFY && UnitScope.of(u) != UnitScope.JOB) {
      rangeVerifies += sign;
      verified += Verification.verifiedWith(u) != null ? sign : 0;
    }
    if (table != null && u.kind() != UnitKind.ROLLBACK) {
      // Kept once seen, so that the tables stay in the order their first units were added.
      tables.computeIfAbsent(table, Table::new).count(u, sign);
      tenantTables.computeIfAbsent(u.slice().tenantId(), t -> new LinkedHashMap<>())
          .computeIfAbsent(table, t -> new TenantTable(u.slice().tenantId(), t)).count(u, sign);
    }
  }

  /** The job's units by state (every state present). */
  public Map<UnitState, Long> counts() {
    Map<UnitState, Long> counts = new EnumMap<>(UnitState.class);
    for (UnitState s : UnitState.values()) {
      counts.put(s, byState[s.ordinal()]);
    }
    return counts;
  }

  /** Units of {@code kind} not done. */
  public long open(UnitKind kind) {
    return openByKind[kind.ordinal()];
  }

  /** Prepare, copy, finish and repair units of the job's tables that are not done (the job-level ones not counted). */
  public long openTableSteps() {
    return openTableSteps;
  }

  /** Rows the copy units committed and still hold. */
  public long rowsDone() {
    return copied[0];
  }

  public long rowsRejected() {
    return copied[1];
  }

  public long bytesDone() {
    return copied[2];
  }

  public long rowsEstimated() {
    return copied[3];
  }

  public long bytesEstimated() {
    return copied[4];
  }

  /** The target tables, in the order their first units came. */
  public Collection<Table> tables() {
    return tables.values();
  }

  /** The failed units. */
  public Collection<WorkUnit> failed() {
    return failed.values();
  }

  /** Each tenant's share of each target table (tenant null: the tables' own steps), in the order their first units came. */
  public List<TenantTable> tenantTables() {
    List<TenantTable> all = new ArrayList<>();
    tenantTables.values().forEach(byTable -> all.addAll(byTable.values()));
    return all;
  }

  /** The tenant's share of the table (tenant null: the table's own steps); null when it has no unit. */
  public TenantTable tenantTable(String tenant, String table) {
    Map<String, TenantTable> byTable = tenantTables.get(tenant);
    return byTable == null ? null : byTable.get(table);
  }

  /** The copy units that recorded rejected rows. */
  public Collection<WorkUnit> rejectedCopies() {
    return rejectedCopies.values();
  }

  /** What the verify units found, as {@link Verification#of(Collection)} of the job's units says. */
  public Verification verification() {
    return Verification.of(rangeVerifies, verified, unclean.values(), jobChecks, rejectedCopies.values());
  }
}
