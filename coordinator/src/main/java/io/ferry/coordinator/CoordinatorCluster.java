package io.ferry.coordinator;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.HazelcastInstance;
import io.ferry.coordinator.store.JobMapStore;
import io.ferry.coordinator.store.TargetConnections;
import io.ferry.coordinator.store.TargetRegistry;
import io.ferry.coordinator.store.TargetStore;
import io.ferry.coordinator.store.UnitMapStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * The coordinator's part of the Hazelcast configuration: the {@code ferry.jobs} and {@code ferry.units}
 * maps, each with an EAGER-loaded {@code MapStore} backed by the jobs' target databases (jobs are written
 * through it; units' states are written by the coordinator's {@code UnitRecorder}, in batches).
 *
 * <p>Workers join the cluster as Hazelcast <em>lite members</em>: they own no partitions, so these map
 * stores only ever run in the coordinator process (the only member with the registry of targets and
 * their password references), and the coordinator is the only writer of both maps.
 */
public final class CoordinatorCluster {

  public static final String JOBS_MAP = "ferry.jobs";
  public static final String UNITS_MAP = "ferry.units";

  private CoordinatorCluster() {
  }

  /** Call on the coordinator's Hazelcast {@code Config} before creating the instance. */
  public static void configure(Config config, CoordinatorOptions options) {
    try {
      Files.createDirectories(options.stateDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the state directory " + options.stateDir(), e);
    }
    TargetStore store = new TargetStore(TargetRegistry.load(options.stateDir()), new TargetConnections());
    config.addMapConfig(mapConfig(JOBS_MAP, new JobMapStore(store)));
    config.addMapConfig(mapConfig(UNITS_MAP, new UnitMapStore(store)));
  }

  /** The store {@link #configure} registered on this instance's configuration. */
  public static TargetStore store(HazelcastInstance hazelcast) {
    MapStoreConfig msc = hazelcast.getConfig().getMapConfig(JOBS_MAP).getMapStoreConfig();
    if (msc == null || !(msc.getImplementation() instanceof JobMapStore jobStore)) {
      throw new IllegalStateException("the Hazelcast instance has no Ferry map store: call CoordinatorCluster.configure(config, options)"
          + " on its Config before creating it");
    }
    return jobStore.store();
  }

  private static MapConfig mapConfig(String name, Object implementation) {
    // The coordinator is the only data member, so backups have nowhere to go: the target is the backup.
    return new MapConfig(name)
        .setBackupCount(0)
        .setAsyncBackupCount(0)
        .setMapStoreConfig(new MapStoreConfig()
            .setEnabled(true)
            .setImplementation(implementation)
            .setWriteDelaySeconds(0)
            .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
  }
}
