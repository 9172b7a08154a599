package io.ferry.coordinator.schedule;

import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each job's units in the order the board first held them, each at a fixed slot: what
 * {@code GET /api/v1/jobs/{id}/units} pages through. A change of a unit costs one lookup and one store, since
 * it happens at every claim and result; a page costs the slots it passes over, at most the job's units for a
 * filter that matches few (a pass over 100,000 slots takes about a millisecond).
 */
final class UnitListing {

  /** One job's units and their slots. */
  private static final class Job {
    final Map<String, Integer> slots = new HashMap<>();
    final List<WorkUnit> units = new ArrayList<>();
  }

  private final Map<String, Job> jobs = new HashMap<>();

  void replaced(WorkUnit before, WorkUnit after) {
    Job job = jobs.computeIfAbsent(after.jobId(), j -> new Job());
    Integer slot = job.slots.get(after.id());
    if (slot == null) {
      job.slots.put(after.id(), job.units.size());
      job.units.add(after);
    } else {
      job.units.set(slot, after);
    }
  }

  /**
   * Up to {@code limit} of the job's units of {@code kind} and {@code state} (null: any) that come after unit
   * {@code after} (null: from the first), in the order the board first held them.
   */
  List<WorkUnit> page(String jobId, UnitKind kind, UnitState state, String after, int limit) {
    Job job = jobs.get(jobId);
    List<WorkUnit> page = new ArrayList<>();
    if (job == null) {
      return page;
    }
    Integer from = after == null ? null : job.slots.get(after);
    for (int i = from == null ? 0 : from + 1; i < job.units.size() && page.size() < limit; i++) {
      WorkUnit u = job.units.get(i);
      if ((kind == null || u.kind() == kind) && (state == null || u.state() == state)) {
        page.add(u);
      }
    }
    return page;
  }
}
