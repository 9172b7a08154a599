package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class MapStateSinkTest {

  @TempDir
  Path stateDir;

  /**
   * A target that is down (restarting) fails the unit records written meanwhile; the unit's next state,
   * or a restart's reconciliation from the checkpoints, records it again: a warning, not an error.
   */
  @Test
  void aUnitStateTheTargetCannotTakeNowIsAWarning() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(MapStateSink.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try (TargetStore store = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections());
         UnitRecorder recorder = new UnitRecorder(store, (k, v) -> { })) {
      store.registry().put("job-down", new Target("postgresql", "jdbc:postgresql://127.0.0.1:1/down?connectTimeout=2", "postgres", null));
      WorkUnit unit = WorkUnit.create("copy:a:public.t:0001", "job-down", UnitKind.COPY, new Slice("a", "public.t", null, null, 10, 10), UnitState.LEASED);
      var saved = new MapStateSink(null, recorder).saveUnit(unit).toCompletableFuture();
      assertThatThrownBy(() -> saved.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    } finally {
      logger.detachAppender(events);
    }
    assertThat(events.list).isNotEmpty().allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
  }
}
