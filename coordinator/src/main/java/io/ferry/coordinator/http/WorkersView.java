package io.ferry.coordinator.http;

import io.ferry.coordinator.schedule.WorkerRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * {@code GET /api/v1/workers} and the events' {@code workers}: each worker as its last heartbeat described
 * it, and whether it is still heard from. A worker silent for longer than {@link #STALLED_AFTER_MILLIS}
 * (frozen, paused, cut off) is {@code stalled} with no rate: its last rate is history, not what it does now.
 */
final class WorkersView {

  /** Three heartbeats (every 2 s by default) missed: more than a late one on a loaded machine. */
  static final long STALLED_AFTER_MILLIS = 6_000;

  private WorkersView() {
  }

  static JsonObject of(WorkerRegistry workers, long now) {
    JsonArray list = new JsonArray();
    for (WorkerRegistry.WorkerInfo w : workers.list()) {
      boolean stalled = now - w.lastSeen() > STALLED_AFTER_MILLIS;
      int running = w.activeUnits().size() - w.heldUnits().size();
      String state = stalled ? "stalled" : running > 0 ? "working" : "idle";
      list.add(new JsonObject().put("id", w.id()).put("host", w.host()).put("pid", w.pid())
          .put("state", state)
          .put("maxUnits", w.maxUnits()).put("activeUnits", new JsonArray(w.activeUnits()))
          .put("heldUnits", new JsonArray(w.heldUnits()))
          .put("rowsPerSecond", stalled ? 0.0 : w.rowsPerSecond()).put("bytesPerSecond", stalled ? 0.0 : w.bytesPerSecond())
          .put("rowsTotal", w.rowsTotal())
          .put("startedAt", w.startedAt() > 0 ? Instant.ofEpochMilli(w.startedAt()).toString() : null)
          .put("lastSeen", Instant.ofEpochMilli(w.lastSeen()).toString())
          .put("silentSeconds", Math.max(0, now - w.lastSeen()) / 1000.0));
    }
    return new JsonObject().put("workers", list);
  }
}
