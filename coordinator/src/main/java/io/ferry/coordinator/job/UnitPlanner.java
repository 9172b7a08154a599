package io.ferry.coordinator.job;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a job's table plans (one per tenant × table) into its work units: the job-level
 * {@code prepare:*types} when any table needs user-defined types, a {@code prepare} and a {@code finish}
 * per target table, its copies per tenant, and the job-level finish ({@code finish:*}, foreign keys, and
 * the constraints recorded as dropped in {@code ferry.dropped_constraints}) when the job may need it, and a
 * verify unit per copied range (all of them, or a {@link VerifySample sample}) and the job-level verify unit
 * ({@code verify:*}: rejected rows, foreign-key orphans) unless the spec says {@code verify: none}. A job of mode {@code verify} copies nothing: it has its verify units only. A unit
 * starts pending when it waits for nothing in the job's {@link UnitGraph}, else blocked.
 *
 * <p>Partitioned tables ({@link TablePlan#partitionOf()}): the parent's prepare creates the parent and
 * all its partitions, and its rows live in its leaf partitions, each planned as a table of its own. So a
 * parent gets no copy units and a leaf gets no prepare unit.
 */
public final class UnitPlanner {

  public static final String JOB_FINISH_ID = io.ferry.protocol.CheckpointSchema.JOB_FINISH_UNIT;
  public static final String TYPES_PREPARE_ID = "prepare:*types";
  /** The job-level verify unit: what no range's unit sees, read from the target alone (rejected rows, orphans). */
  public static final String JOB_VERIFY_ID = "verify:*";

  private UnitPlanner() {
  }

  public static String prepareId(String table) {
    return "prepare:" + table;
  }

  public static String finishId(String table) {
    return "finish:" + table;
  }

  public static String copyId(String tenantId, String table, int index) {
    return "copy:" + tenantId + ":" + table + ":" + String.format("%04d", index);
  }

  /** The verify unit of a table compared as a whole, for one tenant. */
  public static String wholeVerifyId(String tenantId, String table) {
    return "verify:" + tenantId + ":" + table + ":all";
  }

  /**
   * Whether the plan's key ranges select the same rows on the target as on the source, so that each copied
   * range can be verified on its own. Otherwise (a collated text key, a GUID, no key at all) the same bounds may
   * select other rows on the target, and the tenant's table is verified as one range.
   */
  public static boolean rangesPortable(TablePlan plan) {
    SplitPlan split = plan.split();
    if (split == null || split.key() == null || split.key().isEmpty() || split.method() == SplitMethod.CTID
        || split.orderPortable() == null || split.orderPortable().size() < split.key().size()) {
      return false;
    }
    return split.orderPortable().stream().allMatch(Boolean.TRUE::equals);
  }

  /**
   * The verify unit comparing what {@code copy} copied, never claimed, nothing found: of the copy's own range,
   * or of the whole tenant table when its ranges are not portable (the NULL-key range keeps its own: it is
   * compared by count and checksum, outside every bounded range).
   */
  public static WorkUnit verifyOf(WorkUnit copy, boolean portable) {
    Slice s = copy.slice();
    if (portable || s.range() == null || s.range().nullKeys()) {
      String id = "verify:" + copy.id().substring("copy:".length());
      return WorkUnit.create(id, copy.jobId(), UnitKind.VERIFY, s, UnitState.BLOCKED);
    }
    Slice whole = new Slice(s.tenantId(), s.table(), s.sourceTable(), KeyRange.ALL, s.estimatedRows(), s.estimatedBytes());
    return WorkUnit.create(wholeVerifyId(s.tenantId(), s.table()), copy.jobId(), UnitKind.VERIFY, whole, UnitState.BLOCKED);
  }

  /**
   * The job-level verify unit, never claimed, nothing found. It reads the target only, after every copy and
   * finish like the range units (the foreign keys it follows are added by the job's last finish), and runs
   * alongside them: it needs none of their answers.
   */
  public static WorkUnit jobVerify(String jobId) {
    return WorkUnit.create(JOB_VERIFY_ID, jobId, UnitKind.VERIFY, Slice.JOB, UnitState.BLOCKED);
  }

  /** Whether {@code verify} compares rows {@code copy} copied: same tenant and table, its range or the whole table. */
  public static boolean covers(WorkUnit verify, WorkUnit copy) {
    Slice v = verify.slice();
    Slice c = copy.slice();
    if (!Objects.equals(v.tenantId(), c.tenantId()) || !Objects.equals(v.table(), c.table())) {
      return false;
    }
    return Objects.equals(v.range(), c.range())
        || KeyRange.ALL.equals(v.range()) && (c.range() == null || !c.range().nullKeys());
  }

  public static List<WorkUnit> units(String jobId, List<TablePlan> plans, UnitSize unitSize) {
    return units(jobId, plans, unitSize, null);
  }

  /** The units of a job that verifies nothing ({@code verify: none}). */
  public static List<WorkUnit> units(String jobId, List<TablePlan> plans, UnitSize unitSize, Mode mode) {
    return units(jobId, plans, unitSize, mode, Verify.NONE);
  }

  /**
   * @param mode the job's mode: in those that keep existing tables, a prepare or a rollback may drop the
   *             tables' own foreign keys, so the job-level finish that restores them is always planned
   */
  public static List<WorkUnit> units(String jobId, List<TablePlan> plans, UnitSize unitSize, Mode mode, Verify verify) {
    boolean copies = mode != Mode.VERIFY;
    Map<String, List<TablePlan>> byTable = byTargetTable(plans);
    Map<String, String> parents = partitionParents(plans);
    List<WorkUnit> units = new ArrayList<>();
    List<WorkUnit> verifies = new ArrayList<>();
    // A whole-table verify unit comes from every copy of its table: planned once (a scan of the list per copy was n²).
    Set<String> verifyIds = new HashSet<>();
    boolean foreignKeys = UnitGraph.keepsTables(mode);
    if (copies && plans.stream().anyMatch(p -> p.ddl().types() != null && !p.ddl().types().isEmpty())) {
      units.add(WorkUnit.create(TYPES_PREPARE_ID, jobId, UnitKind.PREPARE, Slice.JOB, UnitState.BLOCKED));
    }
    for (Map.Entry<String, List<TablePlan>> e : byTable.entrySet()) {
      String table = e.getKey();
      if (copies && !parents.containsKey(table)) {
        units.add(WorkUnit.create(prepareId(table), jobId, UnitKind.PREPARE, Slice.table(table), UnitState.BLOCKED));
      }
      for (TablePlan plan : e.getValue()) {
        if (parents.containsValue(table)) {
          continue;
        }
        List<KeyRange> ranges = Splitter.split(plan, unitSize);
        long rows = Splitter.share(plan.estimatedRows(), ranges.size());
        long bytes = Splitter.share(plan.estimatedBytes(), ranges.size());
        boolean portable = rangesPortable(plan);
        for (int i = 0; i < ranges.size(); i++) {
          Slice slice = new Slice(plan.tenantId(), table, plan.sourceTable(), ranges.get(i), rows, bytes);
          WorkUnit copy = WorkUnit.create(copyId(plan.tenantId(), table, i), jobId, UnitKind.COPY, slice, UnitState.BLOCKED);
          if (copies) {
            units.add(copy);
          }
          WorkUnit check = verifyOf(copy, portable);
          boolean chosen = verify == Verify.FULL
              || verify == Verify.SAMPLE && (!portable || VerifySample.chosen(plan.tenantId(), table, i, ranges.size()));
          if (chosen && verifyIds.add(check.id())) {
            verifies.add(check.id().endsWith(":all") ? withEstimate(check, plan) : check);
          }
        }
        foreignKeys |= plan.ddl().foreignKeys() != null && !plan.ddl().foreignKeys().isEmpty();
      }
      if (copies) {
        units.add(WorkUnit.create(finishId(table), jobId, UnitKind.FINISH, Slice.table(table), UnitState.BLOCKED));
      }
    }
    units.addAll(verifies);
    if (!verifies.isEmpty()) {
      units.add(jobVerify(jobId));
    }
    if (copies && foreignKeys) {
      units.add(WorkUnit.create(JOB_FINISH_ID, jobId, UnitKind.FINISH, Slice.JOB, UnitState.BLOCKED));
    }
    UnitGraph graph = new UnitGraph(units, parents, mode);
    // No unit is done yet, so ready means waiting for nothing (and answers every copy's wait for every prepare once).
    units.replaceAll(u -> graph.ready(u) ? u.withState(UnitState.PENDING) : u);
    return units;
  }

  /** A whole-table verify unit carries the table's estimate, not one range's share. */
  private static WorkUnit withEstimate(WorkUnit verify, TablePlan plan) {
    Slice s = verify.slice();
    return WorkUnit.create(verify.id(), verify.jobId(), UnitKind.VERIFY,
        new Slice(s.tenantId(), s.table(), s.sourceTable(), s.range(), plan.estimatedRows(), plan.estimatedBytes()),
        UnitState.BLOCKED);
  }

  /** The number of copy units a plan gets: none for a partitioned parent, whose leaves hold its rows. */
  public static int copyUnits(TablePlan plan, List<TablePlan> plans, UnitSize unitSize) {
    return partitionParents(plans).containsValue(plan.targetTable()) ? 0 : Splitter.split(plan, unitSize).size();
  }

  /** Leaf partition target table → its partitioned parent's target table. */
  public static Map<String, String> partitionParents(List<TablePlan> plans) {
    Map<String, String> parents = new LinkedHashMap<>();
    for (TablePlan plan : plans) {
      if (plan.partitionOf() != null) {
        parents.put(plan.targetTable(), plan.partitionOf());
      }
    }
    return parents;
  }

  /** Plans grouped by target table, tables and tenants in the order the preflight listed them. */
  public static Map<String, List<TablePlan>> byTargetTable(List<TablePlan> plans) {
    Map<String, List<TablePlan>> byTable = new LinkedHashMap<>();
    for (TablePlan plan : plans) {
      byTable.computeIfAbsent(plan.targetTable(), t -> new ArrayList<>()).add(plan);
    }
    return byTable;
  }
}
