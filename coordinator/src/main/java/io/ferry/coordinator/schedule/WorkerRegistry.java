package io.ferry.coordinator.schedule;

import io.ferry.protocol.message.Heartbeat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The workers the coordinator has heard from recently, as their heartbeats describe them. */
public final class WorkerRegistry {

  /**
   * One worker as of its last heartbeat ({@code lastSeen}, {@code startedAt}: epoch milliseconds;
   * {@code startedAt} 0 when its worker did not say).
   *
   * @param activeUnits every unit it holds, {@code heldUnits} included (those waiting for a slot)
   */
  public record WorkerInfo(String id, String host, long pid, int maxUnits, List<String> activeUnits,
                           List<String> heldUnits, double rowsPerSecond, double bytesPerSecond, long rowsTotal,
                           long startedAt, long lastSeen) {
  }

  private final Map<String, WorkerInfo> workers = new LinkedHashMap<>();

  public void seen(Heartbeat hb, long now) {
    workers.put(hb.workerId(), new WorkerInfo(hb.workerId(), hb.host(), hb.pid(), hb.maxUnits(),
        hb.activeUnits() == null ? List.of() : List.copyOf(hb.activeUnits()),
        hb.heldUnits() == null ? List.of() : List.copyOf(hb.heldUnits()), hb.rowsPerSecond(),
        hb.bytesPerSecond(), hb.rowsTotal(), hb.startedAt(), now));
  }

  public void remove(String workerId) {
    workers.remove(workerId);
  }

  /** Forgets workers silent for longer than {@code maxSilenceMillis}. */
  public void expire(long now, long maxSilenceMillis) {
    workers.values().removeIf(w -> now - w.lastSeen() > maxSilenceMillis);
  }

  public List<WorkerInfo> list() {
    return new ArrayList<>(workers.values());
  }

  public int size() {
    return workers.size();
  }
}
