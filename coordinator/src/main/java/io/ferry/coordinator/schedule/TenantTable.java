package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.Verification;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Collection;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One tenant's share of a target table in a job (rollback units not counted), summed in its {@link JobTally} at
 * every change of a unit: what the dashboard's tenant × table grid and the job's report read, so that each costs
 * the job's tenant tables (and the differences it lists) rather than a pass over its units. A table's prepare
 * and finish name no tenant: they are the share of the null tenant.
 */
public final class TenantTable {

  private final String tenant;
  private final String table;
  private final JobTally.Table units;
  private String sourceTable;
  private int copyRanges;
  private long copiedRows;
  private long rejectedRows;
  private int verifyRanges;
  private int verified;
  private long sourceRows;
  private long targetRows;
  /** Done verify units whose findings are not clean by themselves, by id: rows the target rejected may explain them. */
  private final NavigableMap<String, WorkUnit> unclean = new TreeMap<>();
  private int repairs;
  private int repairsDone;
  private int repairsWhole;
  private long repairedRows;

  TenantTable(String tenant, String table) {
    this.tenant = tenant;
    this.table = table;
    this.units = new JobTally.Table(table);
  }

  void count(WorkUnit u, int sign) {
    units.count(u, sign);
    switch (u.kind()) {
      case COPY -> {
        copyRanges += sign;
        copiedRows += sign * u.progress().rows();
        rejectedRows += sign * u.progress().rejected();
      }
      case REPAIR -> {
        repairs += sign;
        if (u.state() == UnitState.DONE) {
          repairsDone += sign;
          repairedRows += sign * u.progress().rows();
        }
        if (u.progress().findings() != null && !u.progress().findings().listsEveryDifference()) {
          repairsWhole += sign;
        }
      }
      case VERIFY -> verifyCounted(u, sign);
      default -> {
        return;
      }
    }
    if (sourceTable == null) {
      sourceTable = u.slice().sourceTable();
    }
  }

  private void verifyCounted(WorkUnit u, int sign) {
    verifyRanges += sign;
    VerifyFindings f = Verification.verifiedWith(u);
    if (f == null) {
      return;
    }
    verified += sign;
    sourceRows += sign * f.sourceRows();
    targetRows += sign * f.targetRows();
    if (f.clean()) {
      return;
    }
    if (sign > 0) {
      unclean.put(u.id(), u);
    } else {
      unclean.remove(u.id());
    }
  }

  /** Null for a table's own steps. */
  public String tenant() {
    return tenant;
  }

  public String table() {
    return table;
  }

  /** The source table its copy, verify and repair units read; null when it has none. */
  public String sourceTable() {
    return sourceTable;
  }

  /** Its units summed as the job's status sums a table's. */
  public JobTally.Table units() {
    return units;
  }

  /** Whether it has a copy, verify or repair unit: a line of the report. */
  public boolean reported() {
    return copyRanges + verifyRanges + repairs > 0;
  }

  public int copyRanges() {
    return copyRanges;
  }

  public long copiedRows() {
    return copiedRows;
  }

  /** Rows its copy units recorded as rejected. */
  public long rejectedRows() {
    return rejectedRows;
  }

  public int verifyRanges() {
    return verifyRanges;
  }

  /** Verify units done with findings. */
  public int verified() {
    return verified;
  }

  public long sourceRows() {
    return sourceRows;
  }

  public long targetRows() {
    return targetRows;
  }

  /** Done verify units whose findings are not clean by themselves, in id order. */
  public Collection<WorkUnit> unclean() {
    return unclean.values();
  }

  public int repairs() {
    return repairs;
  }

  public int repairsDone() {
    return repairsDone;
  }

  /** Repair units that re-copy their whole range (their verify unit only counted the differences). */
  public int repairsWhole() {
    return repairsWhole;
  }

  public long repairedRows() {
    return repairedRows;
  }
}
