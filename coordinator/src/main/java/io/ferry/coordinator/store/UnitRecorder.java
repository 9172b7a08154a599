package io.ferry.coordinator.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * Writes units' states to their jobs' targets in batches: what is saved while the last batch is being
 * written goes in one target transaction per job, then into the {@code ferry.units} map without a second
 * write ({@code putTransient}). A unit's state used to be written through the map one record at a time: a
 * Hazelcast operation, a JDBC round trip and a target transaction per record, two records per unit: up
 * to 1.1 ms of the 3.5 ms of CPU Ferry's processes spent per small unit beyond its rows; batched, the
 * whole came to 2.8 ms (measured with deploy/bench/run.sh).
 *
 * <p>Group commit: an idle writer writes a save at once, and saves that arrive during a write wait for
 * the next one, so batches grow with the load without a fixed wait. A claim is answered only once its
 * leases are written (see {@code Scheduler}), so a wait here is a wait in every claim: a 5 ms gathering
 * window made units of ~200 rows 14% slower (measured with deploy/bench/ab.sh).
 *
 * <p>One writer thread, one batch at a time, each unit's latest state once per batch: a unit's states
 * reach the target in the order they were saved, as they did through the map's partition thread. A
 * save's future completes once its batch is committed; if the batch fails, every future of it fails.
 */
final class UnitRecorder implements AutoCloseable {

  /** A unit's latest state in the next batch, and everyone waiting for it. */
  private static final class Queued {
    String body;
    final List<CompletableFuture<Void>> waiting = new ArrayList<>();
  }

  private final TargetStore store;
  /** Puts a recorded state into the {@code ferry.units} map without writing it again. */
  private final BiConsumer<String, String> cache;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ferry-unit-records");
    t.setDaemon(true);
    return t;
  });
  private final Object lock = new Object();
  private Map<String, Queued> queued = new LinkedHashMap<>();
  private boolean scheduled;
  private volatile long batches;

  UnitRecorder(TargetStore store, BiConsumer<String, String> cache) {
    this.store = store;
    this.cache = cache;
  }

  /** @param key {@code jobId/unitId} */
  CompletionStage<Void> save(String key, String body) {
    CompletableFuture<Void> recorded = new CompletableFuture<>();
    synchronized (lock) {
      Queued q = queued.computeIfAbsent(key, k -> new Queued());
      q.body = body;
      q.waiting.add(recorded);
      if (!scheduled) {
        // Runs now if the writer is idle, else right after the batch it is writing.
        scheduled = true;
        writer.execute(this::writeBatch);
      }
    }
    return recorded;
  }

  /** Writes everything saved so far. Fails what it cannot write: a pending future would hold a claim's reply. */
  private void writeBatch() {
    Map<String, Queued> batch;
    synchronized (lock) {
      batch = queued;
      queued = new LinkedHashMap<>();
      scheduled = false;
    }
    try {
      Map<String, Map<String, Queued>> byJob = new LinkedHashMap<>();
      batch.forEach((key, q) -> {
        String[] parts = UnitMapStore.split(key);
        byJob.computeIfAbsent(parts[0], j -> new LinkedHashMap<>()).put(parts[1], q);
      });
      byJob.forEach(this::write);
    } catch (RuntimeException e) {
      batch.values().forEach(q -> q.waiting.forEach(f -> f.completeExceptionally(e)));
    }
  }

  private void write(String jobId, Map<String, Queued> unitStates) {
    try {
      Map<String, String> bodies = new LinkedHashMap<>();
      unitStates.forEach((unitId, q) -> bodies.put(unitId, q.body));
      store.upsertUnits(jobId, bodies);
      batches++;
      unitStates.forEach((unitId, q) -> cache.accept(jobId + "/" + unitId, q.body));
      unitStates.values().forEach(q -> q.waiting.forEach(f -> f.complete(null)));
    } catch (Exception e) {
      unitStates.values().forEach(q -> q.waiting.forEach(f -> f.completeExceptionally(e)));
    }
  }

  /** Target transactions written so far (one per job per batch). */
  long batches() {
    return batches;
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
