package io.ferry.coordinator.schedule;

import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Each job's units by kind and state, each in the order the board first held it: what
 * {@code GET /api/v1/jobs/{id}/units} pages through, so that a page of the failed or leased units of a
 * 100,000-unit job costs the page, not a pass over the job. Kept up to date at every change of a unit.
 */
final class UnitListing {

  private static final int STATES = UnitState.values().length;

  /** One job's units: their listing positions, and by kind and state (index kind × states + state). */
  private static final class Job {
    final Map<String, Integer> positions = new HashMap<>();
    final List<NavigableMap<Integer, WorkUnit>> byKindAndState = new ArrayList<>();

    Job() {
      for (int i = 0; i < UnitKind.values().length * STATES; i++) {
        byKindAndState.add(new TreeMap<>());
      }
    }

    NavigableMap<Integer, WorkUnit> of(WorkUnit u) {
      return byKindAndState.get(u.kind().ordinal() * STATES + u.state().ordinal());
    }
  }

  private final Map<String, Job> jobs = new HashMap<>();

  void replaced(WorkUnit before, WorkUnit after) {
    Job job = jobs.computeIfAbsent(after.jobId(), j -> new Job());
    Integer position = job.positions.computeIfAbsent(after.id(), id -> job.positions.size());
    if (before != null) {
      job.of(before).remove(position);
    }
    job.of(after).put(position, after);
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
    Integer from = after == null ? null : job.positions.get(after);
    // The selected lists merged by position: a page costs its units times the log of the lists merged.
    PriorityQueue<Map.Entry<Integer, WorkUnit>> heads = new PriorityQueue<>(Map.Entry.comparingByKey());
    Map<Integer, Iterator<Map.Entry<Integer, WorkUnit>>> rest = new HashMap<>();
    for (UnitKind k : UnitKind.values()) {
      for (UnitState s : UnitState.values()) {
        if ((kind == null || kind == k) && (state == null || state == s)) {
          NavigableMap<Integer, WorkUnit> units = job.byKindAndState.get(k.ordinal() * STATES + s.ordinal());
          Iterator<Map.Entry<Integer, WorkUnit>> it = (from == null ? units : units.tailMap(from, false)).entrySet().iterator();
          if (it.hasNext()) {
            Map.Entry<Integer, WorkUnit> head = it.next();
            heads.add(head);
            rest.put(head.getKey(), it);
          }
        }
      }
    }
    while (page.size() < limit && !heads.isEmpty()) {
      Map.Entry<Integer, WorkUnit> head = heads.poll();
      page.add(head.getValue());
      Iterator<Map.Entry<Integer, WorkUnit>> it = rest.remove(head.getKey());
      if (it.hasNext()) {
        Map.Entry<Integer, WorkUnit> next = it.next();
        heads.add(next);
        rest.put(next.getKey(), it);
      }
    }
    return page;
  }
}
