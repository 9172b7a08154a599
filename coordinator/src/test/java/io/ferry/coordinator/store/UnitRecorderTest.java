package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.testsupport.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unit records' batching writer against a real PostgreSQL target. */
class UnitRecorderTest {

  private static final TestPostgres PG = new TestPostgres();
  private static String database;

  @TempDir
  Path stateDir;

  @BeforeAll
  static void createDatabase() throws Exception {
    database = PG.createDatabase("recorder");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    PG.close();
  }

  private Target target() {
    return new Target("postgresql", PG.url(database), PG.user(), PG.password());
  }

  @Test
  void everyUnitEndsAtItsLastSavedStateInFewTransactionsAndEverySaveCompletes() throws Exception {
    Map<String, String> cached = new ConcurrentHashMap<>();
    try (TargetStore store = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections());
         UnitRecorder recorder = new UnitRecorder(store, cached::put)) {
      store.registry().put("job-a", target());
      store.ensureSchema(target());
      List<CompletableFuture<Void>> saves = new ArrayList<>();
      // 50 units, each saved three times in a row (pending, leased, done), as a claim and a result would.
      for (String state : List.of("pending", "leased", "done")) {
        for (int i = 0; i < 50; i++) {
          saves.add(recorder.save("job-a/u" + i, "{\"state\":\"" + state + "\",\"n\":" + i + "}").toCompletableFuture());
        }
      }
      CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ids.add("u" + i);
      }
      Map<String, String> recorded = store.units("job-a", ids);
      assertThat(recorded).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(recorded.get("u" + i)).isEqualTo("{\"state\":\"done\",\"n\":" + i + "}");
        assertThat(cached.get("job-a/u" + i)).isEqualTo("{\"state\":\"done\",\"n\":" + i + "}");
      }
      // 150 saves within microseconds: the first is written at once, the others while it is (group commit), in few
      // batches, not one transaction each.
      assertThat(recorder.batches()).isBetween(1L, 5L);
    }
  }

  @Test
  void aBatchThatCannotBeWrittenFailsItsSavesAndTheNextOneIsWritten() throws Exception {
    Map<String, String> cached = new ConcurrentHashMap<>();
    try (TargetStore store = new TargetStore(TargetRegistry.load(stateDir), new TargetConnections());
         UnitRecorder recorder = new UnitRecorder(store, cached::put)) {
      store.registry().put("job-b", target());
      store.ensureSchema(target());
      // No target is registered for job-x: its save fails; job-b's, in the same batch, is written.
      CompletableFuture<Void> lost = recorder.save("job-x/u1", "{}").toCompletableFuture();
      CompletableFuture<Void> kept = recorder.save("job-b/u1", "{\"v\":1}").toCompletableFuture();
      assertThatThrownBy(() -> lost.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      kept.get(30, TimeUnit.SECONDS);
      assertThat(store.units("job-b", List.of("u1"))).containsEntry("u1", "{\"v\":1}");
      assertThat(cached).containsOnlyKeys("job-b/u1");
      // The writer lives on after a failed batch.
      recorder.save("job-b/u2", "{\"v\":2}").toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(store.units("job-b", List.of("u2"))).containsEntry("u2", "{\"v\":2}");
    }
  }
}
