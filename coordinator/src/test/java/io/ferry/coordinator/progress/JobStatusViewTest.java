package io.ferry.coordinator.progress;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.ScopeState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobStatusViewTest {

  private static final long NOW = 1_000_000;

  private final JobBoard board = new JobBoard(new RecordingSink());
  private final JobStatusView view = new JobStatusView(board, new ThroughputTracker());

  /** Job j1: tenant a, table public.t in 3 copy units, its prepare done. */
  private JobRecord job(JobState state) {
    List<TablePlan> plans = List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10)));
    JobRecord job = new JobRecord("j1", "j1", Fixtures.spec("j1", "jdbc:postgresql://127.0.0.1/target", "pw", "a").withoutSecrets(),
        state, JobPhase.COPY, NOW, NOW, null, plans, null);
    List<WorkUnit> units = UnitPlanner.units("j1", plans, new UnitSize(10_000L, 1L << 40));
    board.add(job, units.stream().map(u -> u.kind() == UnitKind.PREPARE ? u.withState(UnitState.DONE)
        : u.kind() == UnitKind.COPY ? u.withState(UnitState.PENDING) : u).toList());
    return job;
  }

  private static String tableState(JsonObject status) {
    return status.getJsonArray("tables").getJsonObject(0).getString("state");
  }

  @Test
  void aCancelledJobShowsItsUnfinishedTablesCancelledNotCopying() {
    assertThat(tableState(view.summary(job(JobState.RUNNING), NOW))).isEqualTo("copying");
    assertThat(tableState(view.summary(job(JobState.CANCELLED), NOW))).isEqualTo("cancelled");
    assertThat(tableState(view.summary(job(JobState.PAUSED), NOW))).isEqualTo("paused");
    assertThat(tableState(view.summary(job(JobState.FAILED), NOW))).as("nothing of it runs").isEqualTo("stopped");
  }

  /** Tenant b's share of public.t failed; tenant a's copies are done, but its share is not before the table's finish. */
  @Test
  void theTenantGridHasACellPerTenantAndTableWithTheTablesOwnSteps() {
    List<TablePlan> plans = List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10)),
        plan("b", "public.t", 10_000, 100, quantiles(100, 10)));
    JobRecord job = new JobRecord("j2", "j2", Fixtures.spec("j2", "jdbc:postgresql://127.0.0.1/target", "pw", "a", "b").withoutSecrets(),
        JobState.RUNNING, JobPhase.COPY, NOW, NOW, null, plans, null);
    List<WorkUnit> units = UnitPlanner.units("j2", plans, new UnitSize(10_000L, 1L << 40));
    board.add(job, units.stream().map(u -> switch (u.kind()) {
      case PREPARE -> u.withState(UnitState.DONE);
      case COPY -> u.withState("b".equals(u.slice().tenantId()) ? UnitState.FAILED : UnitState.DONE);
      default -> u;
    }).toList());

    JsonArray cells = TenantGrid.of(board.units("j2"), JobState.RUNNING);
    assertThat(cells.stream().map(c -> ((JsonObject) c).getString("tenant") + " " + ((JsonObject) c).getString("table")
        + " " + ((JsonObject) c).getString("state"))).containsExactly("a public.t finishing", "b public.t failed");
    assertThat(cells.getJsonObject(0).getLong("rowsEstimated")).isEqualTo(30_000);
    assertThat(cells.getJsonObject(0).getInteger("unitsTotal")).as("tenant a's units, not b's nor the table's")
        .isEqualTo((int) units.stream().filter(u -> "a".equals(u.slice().tenantId())).count());
    assertThat(TenantGrid.of(board.units("j2"), JobState.CANCELLED).getJsonObject(0).getString("state")).isEqualTo("cancelled");
  }

  @Test
  void aPausedOrCancelledTenantOrTableShowsSoInTheGridTheTablesAndTheScopes() {
    List<TablePlan> plans = List.of(plan("a", "public.t", 30_000, 100, quantiles(100, 10)),
        plan("b", "public.t", 10_000, 100, quantiles(100, 10)));
    JobRecord job = new JobRecord("j3", "j3", Fixtures.spec("j3", "jdbc:postgresql://127.0.0.1/target", "pw", "a", "b").withoutSecrets(),
        JobState.RUNNING, JobPhase.COPY, NOW, NOW, null, plans, null);
    board.add(job, UnitPlanner.units("j3", plans, new UnitSize(10_000L, 1L << 40)).stream()
        .map(u -> u.kind() == UnitKind.PREPARE ? u.withState(UnitState.DONE) : u.kind() == UnitKind.COPY ? u.withState(UnitState.PENDING) : u)
        .toList());

    JobRecord tenantPaused = job.withScopes(List.of(new ScopeState("a", null, JobState.PAUSED)));
    assertThat(TenantGrid.of(board.units("j3"), tenantPaused).stream().map(c -> ((JsonObject) c).getString("state")))
        .containsExactly("paused", "copying");
    JsonObject summary = view.summary(tenantPaused, NOW);
    assertThat(tableState(summary)).as("tenant b's share still copies").isEqualTo("copying");
    assertThat(summary.getJsonArray("scopes")).containsExactly(new JsonObject().put("tenant", "a").putNull("table").put("state", "paused"));

    JobRecord tableCancelled = job.withScopes(List.of(new ScopeState("a", null, JobState.PAUSED),
        new ScopeState(null, "public.t", JobState.CANCELLED)));
    assertThat(tableState(view.summary(tableCancelled, NOW))).isEqualTo("cancelled");
    assertThat(TenantGrid.of(board.units("j3"), tableCancelled).stream().map(c -> ((JsonObject) c).getString("state")))
        .as("cancelled before paused").containsExactly("cancelled", "cancelled");
  }
}
