package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.protocol.message.Heartbeat;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkersViewTest {

  private static final long T0 = 1_700_000_000_000L;

  @Test
  void aWorkerSilentForMoreThanSixSecondsIsStalledWithNoRateNotItsLastOne() {
    WorkerRegistry workers = new WorkerRegistry();
    workers.seen(new Heartbeat("w1", "vm-1", 7, 4, List.of("j/copy:a:t:0001", "j/copy:a:t:0002"), 1500.0, 120_000.0, 9000,
        List.of("j/copy:a:t:0002"), T0 - 60_000), T0);
    workers.seen(new Heartbeat("w2", "vm-2", 8, 4, List.of(), 0, 0, 0), T0);

    JsonObject now = WorkersView.of(workers, T0 + 2_000).getJsonArray("workers").getJsonObject(0);
    assertThat(now.getString("state")).isEqualTo("working");
    assertThat(now.getDouble("rowsPerSecond")).isEqualTo(1500.0);
    assertThat(now.getJsonArray("heldUnits").getList()).containsExactly("j/copy:a:t:0002");
    assertThat(now.getString("startedAt")).isEqualTo("2023-11-14T22:12:20Z");
    assertThat(now.getDouble("silentSeconds")).isEqualTo(2.0);
    JsonObject idle = WorkersView.of(workers, T0).getJsonArray("workers").getJsonObject(1);
    assertThat(idle.getString("state")).isEqualTo("idle");
    assertThat(idle.getValue("startedAt")).as("an older worker does not say").isNull();

    JsonObject later = WorkersView.of(workers, T0 + WorkersView.STALLED_AFTER_MILLIS + 1).getJsonArray("workers").getJsonObject(0);
    assertThat(later.getString("state")).isEqualTo("stalled");
    assertThat(later.getDouble("rowsPerSecond")).isZero();
    assertThat(later.getDouble("bytesPerSecond")).isZero();
    assertThat(later.getLong("rowsTotal")).isEqualTo(9000);
  }
}
