package io.ferry.coordinator.store;

import com.hazelcast.map.MapStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store of the {@code ferry.units} map (key: {@code jobId/unitId}, value: the work unit as JSON) in each
 * job's target database, table {@code ferry.units}: it loads the map at start-up. The coordinator's own
 * state changes do not come through here but through {@link UnitRecorder}, in batches, and reach the
 * map with {@code putTransient}; {@link #store} serves any other write to the map.
 *
 * <p>Like {@link JobMapStore}, it runs only in the coordinator: workers are Hazelcast lite members and
 * own no partitions. The coordinator is the only writer of the map.
 */
public final class UnitMapStore implements MapStore<String, String> {

  private static final Logger LOG = LoggerFactory.getLogger(UnitMapStore.class);

  private final TargetStore store;

  public UnitMapStore(TargetStore store) {
    this.store = store;
  }

  /** Splits {@code jobId/unitId}: a job id never contains '/', a unit id (a table name) might. */
  static String[] split(String key) {
    int slash = key.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("unit key '" + key + "' is not jobId/unitId");
    }
    return new String[] {key.substring(0, slash), key.substring(slash + 1)};
  }

  /**
   * Writes one unit's state, on PostgreSQL committed without waiting for its WAL flush: under load a
   * synchronous commit waits for the units' COPY data ahead of it in the WAL (a median of 11–16 ms per
   * lease was measured), and this store has one connection per target, so every write queued behind the
   * last. (On SQL Server the commit waits for its log flush: see {@link StoreSql#upsertUnitAndCommit}.)
   *
   * <p>The WAL is flushed in order, so a crash of the target server leaves the record as it was at some
   * moment before, as if the coordinator had died then; a restart repairs that (a unit done from its
   * worker's checkpoint, which the worker commits durably; blocked or pending by settling dependencies; a
   * requeue by the lease lapsing again). The one write a worker acts on is a lease, whose epoch must never
   * be handed out twice. If the target server loses a lease and the coordinator restarts, it could: so a
   * worker takes a unit over only with an epoch <em>newer</em> than its checkpoint's (a second holder of
   * the same epoch is refused), and a restarted coordinator raises each unit to its checkpoint's epoch
   * before leasing it again. See {@code docs/guarantees.md}, section 2.
   */
  @Override
  public void store(String key, String body) {
    String[] parts = split(key);
    try {
      store.upsertUnit(parts[0], parts[1], body);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record unit " + parts[1] + " of job " + parts[0] + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void storeAll(Map<String, String> map) {
    map.forEach(this::store);
  }

  @Override
  public void delete(String key) {
    String[] parts = split(key);
    try {
      store.deleteUnit(parts[0], parts[1]);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot delete unit " + parts[1] + " of job " + parts[0] + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    keys.forEach(this::delete);
  }

  @Override
  public String load(String key) {
    return loadAll(List.of(key)).get(key);
  }

  @Override
  public Map<String, String> loadAll(Collection<String> keys) {
    Map<String, List<String>> byJob = new LinkedHashMap<>();
    for (String key : keys) {
      String[] parts = split(key);
      if (store.registry().target(parts[0]) != null) {
        byJob.computeIfAbsent(parts[0], j -> new ArrayList<>()).add(parts[1]);
      }
    }
    Map<String, String> bodies = new HashMap<>();
    byJob.forEach((jobId, unitIds) -> {
      try {
        store.units(jobId, unitIds).forEach((unitId, body) -> bodies.put(jobId + "/" + unitId, body));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot load units of job " + jobId + ": " + e.getMessage(), e);
      }
    });
    return bodies;
  }

  @Override
  public Iterable<String> loadAllKeys() {
    List<String> keys = new ArrayList<>();
    store.registry().jobsByTarget().forEach((target, ids) -> {
      try {
        keys.addAll(store.unitKeys(target, ids));
      } catch (SQLException e) {
        LOG.error("cannot load the units of jobs {} from their target {}: {}", ids, target.url(), e.getMessage());
      }
    });
    return keys;
  }
}
