package io.ferry.coordinator.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Writes units' states to their jobs' targets in batches: what is saved within a few milliseconds goes
 * in one target transaction per job, then into the {@code ferry.units} map without a second write
 * ({@code putTransient}). A unit's state used to be written through the map one record at a time: a
 * Hazelcast operation, a JDBC round trip and a target transaction per record, two records per unit: up
 * to 1.1 ms of the 3.5 ms of CPU Ferry's processes spent per small unit beyond its rows; batched, the
 * whole came to 2.8 ms (docs/benchmarks.md, session 8).
 *
 * <p>One writer thread, one batch at a time, each unit's latest state once per batch: a unit's states
 * reach the target in the order they were saved, as they did through the map's partition thread. A
 * save's future completes once its batch is committed (a claim is answered only then, see
 * {@code Scheduler}); if the batch fails, every future of it fails.
 */
final class UnitRecorder implements AutoCloseable {

  /** How long the first save of a batch waits for others: claims go out ahead of need, so this is hidden. */
  static final long GATHER_MILLIS = 5;

  /** A unit's latest state in the next batch, and everyone waiting for it. */
  private static final class Queued {
    String body;
    final List<CompletableFuture<Void>> waiting = new ArrayList<>();
  }

  private final TargetStore store;
  /** Puts a recorded state into the {@code ferry.units} map without writing it again. */
  private final BiConsumer<String, String> cache;
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
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
        scheduled = true;
        writer.schedule(this::writeBatch, GATHER_MILLIS, TimeUnit.MILLISECONDS);
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
