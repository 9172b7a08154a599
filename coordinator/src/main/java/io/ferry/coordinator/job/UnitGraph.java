package io.ferry.coordinator.job;

import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which unit of a job waits for which: the one statement of the order its steps run in, read by
 * {@link UnitPlanner} for the units' first states and by {@link io.ferry.coordinator.schedule.Unblocker}
 * to move a job on.
 *
 * <p>The job's type prepare ({@code prepare:*types}) waits for nothing, and every table's units wait for
 * it, since a table cannot be created before its column types. A table's prepare waits for nothing else;
 * its copies wait for the prepare that creates the table; its finish waits for those and for every
 * tenant's copies of the table; the job-level finish ({@code finish:*}: foreign keys, and the constraints
 * recorded as dropped) waits for every table's finish, because a foreign key needs both of its tables
 * complete. A unit is {@link #ready} when every unit it waits for is done and ready itself, so a table's
 * finish that a rollback left done does not let the job's finish run before its copies ran again.
 *
 * <p>Partitioned tables: the parent's prepare creates the parent and all its partitions, and its rows
 * live in its leaf partitions, each planned as a table of its own. So a parent has no copy units, a leaf
 * has no prepare unit (its copies wait for the parent's prepare), and the parent's finish (keys and
 * indexes, which PostgreSQL builds on every partition) also waits for the copies of every leaf.
 *
 * <p>In the modes that keep existing tables ({@code truncate}, {@code append}, {@code upsert},
 * {@code preserve_schema}) a table's prepare drops the foreign keys of the job's other tables that
 * reference it, so a child's rows can arrive before its parent's. Which prepare drops a key of a table
 * only the target knows, so there every copy also waits for every table's prepare: prepares are a few
 * short statements each, and a copy that started before its parent's prepare would fail on the key (or
 * hold the lock the parent's truncate waits for).
 *
 * <p>Verify units wait for every other step of the job: they compare a finished copy, and the target's
 * keys and indexes (made by the finishes) let them read its ranges in key order. In a job that copies
 * nothing ({@code mode: verify}) they wait for nothing.
 *
 * <p>Repair units ({@code POST /api/v1/jobs/{id}/repair}) wait for nothing (the copy is done when they are
 * made) and the verify units wait for them, as for every other step: a repaired range is compared again
 * once every repair is done.
 *
 * <p>Rollback and restore units are not steps of the migration: nothing waits for them, and they wait
 * for nothing.
 */
public final class UnitGraph {

  private final Map<String, String> parents;
  private final boolean copiesAfterEveryPrepare;
  private final Map<String, Table> tables = new LinkedHashMap<>();
  private final List<WorkUnit> steps = new ArrayList<>();
  private final List<WorkUnit> verifies = new ArrayList<>();
  private WorkUnit typesPrepare;
  private Boolean preparesDone;
  private Boolean copiedAll;

  /**
   * @param parents leaf partition target table → its parent's ({@link UnitPlanner#partitionParents})
   * @param mode    the job's mode: in those that keep existing tables, copies wait for every prepare
   */
  public UnitGraph(Collection<WorkUnit> units, Map<String, String> parents, Mode mode) {
    this.parents = parents;
    this.copiesAfterEveryPrepare = keepsTables(mode);
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE) {
        continue;
      }
      steps.add(u);
      if (u.kind() == UnitKind.VERIFY) {
        verifies.add(u);
        continue;
      }
      if (u.kind() == UnitKind.REPAIR) {
        continue;
      }
      if (UnitScope.of(u) == UnitScope.JOB) {
        if (u.kind() == UnitKind.PREPARE) {
          typesPrepare = u;
        }
        continue;
      }
      Table t = tables.computeIfAbsent(u.slice().table(), k -> new Table());
      switch (u.kind()) {
        case PREPARE -> t.prepare = u;
        case FINISH -> t.finish = u;
        default -> t.copies.add(u);
      }
    }
  }

  /** Modes whose prepares may drop foreign keys of the job's other tables. */
  public static boolean keepsTables(Mode mode) {
    return mode == Mode.TRUNCATE || mode == Mode.APPEND || mode == Mode.UPSERT || mode == Mode.PRESERVE_SCHEMA;
  }

  /** The steps of the job (every unit but rollbacks and restores), in the order given. */
  public List<WorkUnit> steps() {
    return steps;
  }

  /** The units {@code unit} waits for directly; none for a unit outside the graph. */
  public Set<WorkUnit> waitsFor(WorkUnit unit) {
    return waitsFor(unit, true);
  }

  /** @param everyPrepare include, for a copy, every prepare it waits for beyond its table's own */
  private Set<WorkUnit> waitsFor(WorkUnit unit, boolean everyPrepare) {
    Set<WorkUnit> before = new LinkedHashSet<>();
    if (unit.kind() == UnitKind.ROLLBACK || unit.kind() == UnitKind.RESTORE || unit.kind() == UnitKind.REPAIR) {
      return before;
    }
    if (unit.kind() == UnitKind.VERIFY) {
      before.addAll(copySteps());
      return before;
    }
    if (UnitScope.of(unit) == UnitScope.JOB) {
      if (unit.kind() != UnitKind.PREPARE) {
        tables.forEach((name, t) -> before.addAll(t.finish != null ? List.of(t.finish) : copied(name)));
      }
      return before;
    }
    if (typesPrepare != null) {
      before.add(typesPrepare);
    }
    if (unit.kind() == UnitKind.PREPARE) {
      return before;
    }
    WorkUnit creator = creator(unit.slice().table());
    if (creator != null) {
      before.add(creator);
    }
    if (unit.kind() == UnitKind.COPY && copiesAfterEveryPrepare && everyPrepare) {
      before.addAll(tablePrepares());
    }
    if (unit.kind() == UnitKind.FINISH) {
      before.addAll(copied(unit.slice().table()));
      parents.forEach((leaf, parent) -> {
        if (parent.equals(unit.slice().table())) {
          before.addAll(copied(leaf));
        }
      });
    }
    return before;
  }

  /**
   * Every unit {@code unit} waits for is done, and ready itself. A copy's wait for every prepare is
   * answered once per graph: asked for each of n copies of n tables, it would cost n² per settle.
   */
  public boolean ready(WorkUnit unit) {
    if (unit.kind() == UnitKind.VERIFY) {
      return copied();
    }
    boolean afterEveryPrepare = unit.kind() == UnitKind.COPY && copiesAfterEveryPrepare;
    if (afterEveryPrepare && !preparesDone()) {
      return false;
    }
    for (WorkUnit before : waitsFor(unit, !afterEveryPrepare)) {
      if (before.state() != UnitState.DONE || !ready(before)) {
        return false;
      }
    }
    return true;
  }

  /** Every step but the verify units is done and ready: answered once per graph, as every verify unit asks it. */
  public boolean copied() {
    if (copiedAll == null) {
      copiedAll = copySteps().stream().allMatch(u -> u.state() == UnitState.DONE && ready(u));
    }
    return copiedAll;
  }

  /** The job's verify units. */
  public List<WorkUnit> verifies() {
    return verifies;
  }

  private List<WorkUnit> copySteps() {
    return steps.stream().filter(u -> u.kind() != UnitKind.VERIFY).toList();
  }

  private boolean preparesDone() {
    if (preparesDone == null) {
      preparesDone = tablePrepares().stream().allMatch(p -> p.state() == UnitState.DONE && ready(p));
    }
    return preparesDone;
  }

  private List<WorkUnit> tablePrepares() {
    List<WorkUnit> prepares = new ArrayList<>();
    tables.values().forEach(t -> {
      if (t.prepare != null) {
        prepares.add(t.prepare);
      }
    });
    return prepares;
  }

  /** What a table's rows need: the prepare that creates it and its copies. */
  private List<WorkUnit> copied(String table) {
    List<WorkUnit> units = new ArrayList<>();
    WorkUnit creator = creator(table);
    if (creator != null) {
      units.add(creator);
    }
    Table t = tables.get(table);
    if (t != null) {
      units.addAll(t.copies);
    }
    return units;
  }

  /** The prepare that creates a table: its own, or for a leaf partition, its nearest ancestor's. */
  private WorkUnit creator(String table) {
    String current = table;
    for (int depth = 0; depth <= parents.size() && current != null; depth++) {
      Table t = tables.get(current);
      if (t != null && t.prepare != null) {
        return t.prepare;
      }
      current = parents.get(current);
    }
    return null;
  }

  private static final class Table {
    WorkUnit prepare;
    WorkUnit finish;
    final List<WorkUnit> copies = new ArrayList<>();
  }
}
