package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.job.TargetOverlap.Writes;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetOverlapTest {

  private static Writes job(String id, String url, Mode mode, String... tenants) {
    JobSpec base = Fixtures.spec(id, url, null, tenants);
    JobSpec spec = new JobSpec(base.name(), base.source(), base.target(), null, mode, null);
    List<TablePlan> plans = java.util.Arrays.stream(tenants)
        .map(t -> Fixtures.plan(t, "merged.items", 10, 10, List.of())).toList();
    return Writes.of(id, spec, plans);
  }

  @Test
  void twoJobsCopyingTheSameTenantIntoOneTableOverlap() {
    Writes running = job("first", "jdbc:postgresql://db.example:5432/dst", Mode.APPEND, "a", "b");
    Writes next = job("second", "jdbc:postgresql://DB.example/dst?ssl=true", Mode.APPEND, "b", "c");

    assertThat(TargetOverlap.problems(next, List.of(running))).singleElement().asString()
        .startsWith("job first (not finished) writes merged.items in the same target database for the same tenant(s)");
  }

  @Test
  void jobsAppendingOtherTenantsIntoOneTableDoNotOverlap() {
    Writes running = job("first", "jdbc:postgresql://h/dst", Mode.APPEND, "a", "b");
    Writes next = job("second", "jdbc:postgresql://h/dst", Mode.UPSERT, "c", "d");
    assertThat(TargetOverlap.problems(next, List.of(running))).isEmpty();
  }

  @Test
  void aModeThatRebuildsTheTableOverlapsAnyWriter() {
    Writes running = job("first", "jdbc:postgresql://h/dst", Mode.APPEND, "a", "b");
    Writes next = job("second", "jdbc:postgresql://h/dst", Mode.DROP_RECREATE, "c", "d");
    assertThat(TargetOverlap.problems(next, List.of(running))).singleElement().asString()
        .contains("mode drop_recreate would rebuild a table that job is copying into");
    assertThat(TargetOverlap.problems(running, List.of(next))).singleElement().asString()
        .contains("that job's mode drop_recreate rebuilds it");
  }

  @Test
  void withoutATenantColumnAnyTwoWritersOfATableOverlap() {
    Writes running = job("first", "jdbc:postgresql://h/dst", Mode.APPEND, "a");
    Writes next = job("second", "jdbc:postgresql://h/dst", Mode.APPEND, "z");
    assertThat(TargetOverlap.problems(next, List.of(running))).hasSize(1);
  }

  @Test
  void otherTargetDatabasesNeverOverlap() {
    Writes running = job("first", "jdbc:postgresql://h/dst", Mode.CREATE, "a", "b");
    assertThat(TargetOverlap.problems(job("second", "jdbc:postgresql://h/other", Mode.CREATE, "a", "b"), List.of(running))).isEmpty();
    assertThat(TargetOverlap.problems(job("third", "jdbc:postgresql://h:5433/dst", Mode.CREATE, "a", "b"), List.of(running))).isEmpty();
    assertThat(TargetOverlap.problems(job("fourth", "jdbc:postgresql://localhost/dst", Mode.CREATE, "a", "b"),
        List.of(job("fifth", "jdbc:postgresql://127.0.0.1:5432/dst", Mode.CREATE, "a", "b")))).as("localhost is 127.0.0.1").hasSize(1);
  }
}
