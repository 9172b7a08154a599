package io.ferry.coordinator.store;

import com.hazelcast.map.MapStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-through store of the {@code ferry.jobs} map (key: job id, value: the job record as JSON) into
 * each job's target database, table {@code ferry.jobs}. The map is a cache; the target is the record.
 *
 * <p>Workers join the cluster as Hazelcast lite members (they own no partitions), so this store only
 * ever runs in the coordinator process, on Hazelcast partition threads; it blocks on JDBC there, never
 * on an event loop.
 */
public final class JobMapStore implements MapStore<String, String> {

  private static final Logger LOG = LoggerFactory.getLogger(JobMapStore.class);

  private final TargetStore store;

  public JobMapStore(TargetStore store) {
    this.store = store;
  }

  public TargetStore store() {
    return store;
  }

  @Override
  public void store(String jobId, String body) {
    try {
      store.upsertJob(jobId, body);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record job " + jobId + " in its target: " + e.getMessage(), e);
    }
  }

  @Override
  public void storeAll(Map<String, String> map) {
    map.forEach(this::store);
  }

  @Override
  public void delete(String jobId) {
    try {
      store.deleteJob(jobId);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot delete job " + jobId + " from its target: " + e.getMessage(), e);
    }
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    keys.forEach(this::delete);
  }

  @Override
  public String load(String jobId) {
    return loadAll(List.of(jobId)).get(jobId);
  }

  @Override
  public Map<String, String> loadAll(Collection<String> jobIds) {
    Map<Target, List<String>> byTarget = new HashMap<>();
    for (String jobId : jobIds) {
      Target target = store.registry().target(jobId);
      if (target != null) {
        byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(jobId);
      }
    }
    Map<String, String> bodies = new HashMap<>();
    byTarget.forEach((target, ids) -> {
      try {
        bodies.putAll(store.jobs(target, ids));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot load jobs " + ids + " from " + target.url() + ": " + e.getMessage(), e);
      }
    });
    return bodies;
  }

  /** Every job of every target in the registry; a target that cannot be reached is logged and skipped. */
  @Override
  public Iterable<String> loadAllKeys() {
    List<String> keys = new ArrayList<>();
    store.registry().jobsByTarget().forEach((target, ids) -> {
      try {
        keys.addAll(store.jobs(target, ids).keySet());
      } catch (SQLException e) {
        LOG.error("cannot load jobs {} from their target {}: {} (they stay unloaded until the coordinator restarts)",
            ids, target.url(), e.getMessage());
      }
    });
    return keys;
  }
}
