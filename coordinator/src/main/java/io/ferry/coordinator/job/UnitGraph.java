package io.ferry.coordinator.job;

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
 * <p>Rollback and restore units are not steps of the migration: nothing waits for them, and they wait
 * for nothing.
 */
public final class UnitGraph {

  private final Map<String, String> parents;
  private final Map<String, Table> tables = new LinkedHashMap<>();
  private final List<WorkUnit> steps = new ArrayList<>();
  private WorkUnit typesPrepare;

  /** @param parents leaf partition target table → its parent's ({@link UnitPlanner#partitionParents}) */
  public UnitGraph(Collection<WorkUnit> units, Map<String, String> parents) {
    this.parents = parents;
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.ROLLBACK || u.kind() == UnitKind.RESTORE) {
        continue;
      }
      steps.add(u);
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

  /** The steps of the job (every unit but rollbacks and restores), in the order given. */
  public List<WorkUnit> steps() {
    return steps;
  }

  /** The units {@code unit} waits for directly; none for a unit outside the graph. */
  public Set<WorkUnit> waitsFor(WorkUnit unit) {
    Set<WorkUnit> before = new LinkedHashSet<>();
    if (unit.kind() == UnitKind.ROLLBACK || unit.kind() == UnitKind.RESTORE) {
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

  /** Every unit {@code unit} waits for is done, and ready itself. */
  public boolean ready(WorkUnit unit) {
    for (WorkUnit before : waitsFor(unit)) {
      if (before.state() != UnitState.DONE || !ready(before)) {
        return false;
      }
    }
    return true;
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
