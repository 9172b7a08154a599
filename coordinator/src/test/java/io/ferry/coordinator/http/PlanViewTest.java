package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanViewTest {

  private static JobSpec spec(Mode mode) {
    JobSpec s = Fixtures.spec("plan", "jdbc:postgresql://127.0.0.1/target", null, "a", "b");
    return new JobSpec(s.name(), s.source(), s.target(), null, mode, new UnitSize(1_000L, 1L << 40));
  }

  /** A table of one tenant: {@code rows} rows in 1000-row units, {@code bytes}, a measured read rate, target state. */
  private static TablePlan plan(String tenant, String table, long rows, long bytes, double readRate, boolean exists,
      boolean hasRows, List<ColumnPlan> columns, CopyFormat format) {
    return new TablePlan(tenant, table, table, columns,
        new SplitPlan(List.of("id"), List.of("bigint"), false, List.of(true), SplitMethod.PRIMARY_KEY, Fixtures.quantiles(100, rows / 100).stream().map(List::of).toList(), "histogram"),
        rows, bytes, format, null,
        new TargetDdl(List.of(), List.of("CREATE TABLE " + table + " (…)"), List.of(), List.of()),
        exists, hasRows, readRate, List.of());
  }

  @Test
  void estimatesTheDurationFromTheMedianReadRateAndTheParallelUnits() {
    // 7 copy units, 4 worker slots → 4 in parallel; median of 1, 2 and 9 MB/s is 2 MB/s; 40 MB / (2 MB/s × 4) = 5 s.
    List<TablePlan> plans = List.of(
        plan("a", "public.t", 3_000, 20_000_000, 1_000_000, false, false, Fixtures.COLUMNS, CopyFormat.BINARY),
        plan("b", "public.t", 3_000, 19_000_000, 9_000_000, false, false, Fixtures.COLUMNS, CopyFormat.BINARY),
        plan("a", "public.small", 10, 1_000_000, 2_000_000, false, false, Fixtures.COLUMNS, CopyFormat.BINARY));

    JsonObject view = PlanView.of(spec(Mode.CREATE), plans, 4);

    assertThat(view.getLong("estimatedDurationSeconds")).isEqualTo(5);
    assertThat(view.getJsonObject("estimate").getDouble("readBytesPerSecond")).isEqualTo(2_000_000.0);
    assertThat(view.getJsonObject("estimate").getLong("parallelUnits")).isEqualTo(4);
    // Fewer units than slots: the units are the limit.
    assertThat(PlanView.of(spec(Mode.CREATE), plans.subList(2, 3), 4).getLong("estimatedDurationSeconds")).isEqualTo(1);
    // No live worker announced slots yet: at least one unit runs.
    assertThat(PlanView.of(spec(Mode.CREATE), plans, 0).getJsonObject("estimate").getLong("parallelUnits")).isEqualTo(1);
  }

  @Test
  void anUnmeasuredJobHasNoDurationEstimate() {
    JsonObject view = PlanView.of(spec(Mode.CREATE), List.of(
        plan("a", "public.t", 10, 100, 0, false, false, Fixtures.COLUMNS, CopyFormat.BINARY)), 4);
    assertThat(view.containsKey("estimatedDurationSeconds")).isTrue();
    assertThat(view.getValue("estimatedDurationSeconds")).isNull();
  }

  @Test
  void anOverriddenColumnShowsItsHandlingAndItsTargetName() {
    List<ColumnPlan> columns = List.of(new ColumnPlan("OrderID", "integer", false, null, null, "order_id"),
        new ColumnPlan("Total", "numeric(12,2)", false, "text: type override to numeric(12,2)", null, "total"));
    TablePlan lines = plan("a", "dbo.OrderLines", 10, 100, 0, false, false, columns, CopyFormat.TEXT);

    JsonObject table = PlanView.of(spec(Mode.CREATE), List.of(lines), 1).getJsonArray("tables").getJsonObject(0);

    assertThat(table.getJsonArray("typeHandling")).singleElement().satisfies(h -> assertThat(((JsonObject) h).getMap())
        .containsEntry("column", "Total").containsEntry("target", "total").containsEntry("type", "numeric(12,2)")
        .containsEntry("handling", "text: type override to numeric(12,2)"));
  }

  @Test
  void showsHowUnusualTypesTravelAndTheTypesTheJobCreates() {
    List<ColumnPlan> columns = List.of(new ColumnPlan("id", "bigint", false, null, null),
        new ColumnPlan("moods", "\"app\".\"mood\"[]", true, "text: array of user-defined type app.mood", null));
    TablePlan people = Fixtures.withTypes(plan("a", "public.people", 10, 100, 0, false, false, columns, CopyFormat.TEXT),
        List.of("CREATE TYPE app.mood …"));

    JsonObject table = PlanView.of(spec(Mode.CREATE), List.of(people), 1).getJsonArray("tables").getJsonObject(0);

    assertThat(table.getString("copyFormat")).isEqualTo("text");
    assertThat(table.getJsonArray("typeHandling")).hasSize(1);
    assertThat(table.getJsonArray("typeHandling").getJsonObject(0).getMap())
        .containsEntry("column", "moods").containsEntry("handling", "text: array of user-defined type app.mood");
    assertThat(PlanView.of(spec(Mode.CREATE), List.of(people), 1).getJsonArray("types").getList())
        .containsExactly("CREATE TYPE app.mood …");
  }

  @Test
  void warnsWhatEachModeDoesToATargetTableThatHoldsRows() {
    for (Mode mode : Mode.values()) {
      TablePlan existing = plan("a", "public.t", 10, 100, 0, true, true, Fixtures.COLUMNS, CopyFormat.BINARY);
      JsonObject table = PlanView.of(spec(mode), List.of(existing), 1).getJsonArray("tables").getJsonObject(0);
      assertThat(table.getBoolean("targetExists")).isTrue();
      assertThat(table.getBoolean("targetHasRows")).isTrue();
      assertThat(table.getJsonArray("warnings").getList()).as(mode.wireName()).hasSize(1);
    }
    assertThat(PlanView.targetWarning(Mode.TRUNCATE, true, true)).contains("deleted");
    assertThat(PlanView.targetWarning(Mode.APPEND, true, true)).contains("duplicate key fails");
    assertThat(PlanView.targetWarning(Mode.UPSERT, true, true)).contains("updated");
    assertThat(PlanView.targetWarning(Mode.DROP_RECREATE, true, false)).contains("dropped");
    assertThat(PlanView.targetWarning(Mode.TRUNCATE, true, false)).isNull();
    assertThat(PlanView.targetWarning(Mode.UPSERT, false, false)).isNull();
  }

  @Test
  void warnsAboutANullableKey() {
    TablePlan p = plan("a", "public.t", 10, 100, 0, false, false, Fixtures.COLUMNS, CopyFormat.BINARY);
    TablePlan nullable = new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(),
        new SplitPlan(List.of("code"), List.of("text"), true, List.of(false), SplitMethod.UNIQUE_INDEX, List.of(), "exact"),
        10, 100, CopyFormat.BINARY, null,
        TargetDdl.NONE,
        false, false, 0, List.of());
    JsonObject table = PlanView.of(spec(Mode.CREATE), List.of(nullable), 1).getJsonArray("tables").getJsonObject(0);
    assertThat(table.getJsonArray("warnings").getList()).singleElement().asString().contains("may be NULL");
  }
}
