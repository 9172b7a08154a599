package io.ferry.coordinator.progress;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's rejected rows and orphans: from the job-level verify unit where it ran, per tenant table. */
class JobReportTest {

  private static final List<TablePlan> PLANS = List.of(plan("a", "public.orders", 20_000, 100, quantiles(100, 200)),
      plan("b", "public.orders", 10, 100, List.of()));
  private static final JobRecord JOB = new JobRecord("j1", "j1",
      Fixtures.spec("j1", "jdbc:postgresql://127.0.0.1/target", "pw", "a", "b").withoutSecrets(), JobState.VERIFYING,
      JobPhase.VERIFY, 0, 0L, null, PLANS, null);

  /** Every step done; tenant a's first copy rejected 2 rows, and its range lists them missing; every range clean else. */
  private static List<WorkUnit> copiedAndCompared() {
    List<WorkUnit> units = new ArrayList<>(UnitPlanner.units("j1", PLANS, new UnitSize(10_000L, 1L << 40), Mode.CREATE,
        Verify.FULL));
    units.replaceAll(u -> switch (u.kind()) {
      case COPY -> u.id().equals("copy:a:public.orders:0000") ? u.withProgress(9_998, 0, 2).withState(UnitState.DONE)
          : u.withProgress(10, 0, 0).withState(UnitState.DONE);
      case VERIFY -> u.id().equals(UnitPlanner.JOB_VERIFY_ID) ? u
          : u.id().equals("verify:a:public.orders:0000") ? u.withFindings(new VerifyFindings(10_000, 9_998, 1, 1, 2,
              List.of(new Difference(Kind.MISSING, List.of("3"), List.of()), new Difference(Kind.MISSING, List.of("4"), List.of())),
              null)).withState(UnitState.DONE)
          : u.withFindings(new VerifyFindings(10, 10, 1, 0, 0, List.of(), null)).withState(UnitState.DONE);
      default -> u.withState(UnitState.DONE);
    });
    return units;
  }

  private static JsonObject table(JsonObject report, String tenant) {
    for (int i = 0; i < report.getJsonArray("tables").size(); i++) {
      JsonObject t = report.getJsonArray("tables").getJsonObject(i);
      if (t.getString("tenant").equals(tenant)) {
        return t;
      }
    }
    throw new AssertionError("no table of tenant " + tenant + " in " + report);
  }

  @Test
  void untilTheJobChecksRunTheRejectedRowsAreTheCopyUnitsCountsAndTheVerdictWaits() {
    JsonObject report = JobReport.of(JOB, copiedAndCompared());
    assertThat(report.getString("verdict")).isEqualTo("verification incomplete");
    assertThat(report.getString("checks")).isEqualTo("not run yet");
    assertThat(report.getJsonArray("tables")).as("the job-level unit is no table of its own").hasSize(2);
    assertThat(table(report, "a").getLong("rejectedRows")).isEqualTo(2);
    assertThat(table(report, "a").getString("verdict")).as("the rejected rows are missing by design").isEqualTo("clean");
    assertThat(report.getJsonObject("totals").getLong("orphanedRows")).isZero();
  }

  @Test
  void theJobChecksGiveTheRejectedRowsOnRecordAndTheOrphansPerTenantTable() {
    List<WorkUnit> units = copiedAndCompared();
    WorkUnit checks = units.stream().filter(u -> u.id().equals(UnitPlanner.JOB_VERIFY_ID)).findFirst().orElseThrow();
    units.set(units.indexOf(checks), checks.withFindings(VerifyFindings.jobChecks("rows the target rejected; foreign-key"
        + " orphans of 1 foreign key(s) among the job's 1 table(s)",
        List.of(new VerifyFindings.TableRows("a", "public.orders", 2)),
        List.of(new VerifyFindings.Orphans("b", "public.orders", "orders_parent_fk", "public.orders", 1, List.of(List.of("7"))))))
        .withState(UnitState.DONE));
    JsonObject report = JobReport.of(JOB, units);
    assertThat(report.getString("verdict")).isEqualTo("differences");
    assertThat(report.getString("checks")).startsWith("rows the target rejected; foreign-key orphans of 1 foreign key(s)");
    assertThat(table(report, "a").getLong("rejectedRows")).isEqualTo(2);
    assertThat(table(report, "a").getString("verdict")).isEqualTo("clean");
    JsonObject b = table(report, "b");
    assertThat(b.getString("verdict")).isEqualTo("differences");
    assertThat(b.getLong("orphanedRows")).isEqualTo(1);
    assertThat(b.getJsonArray("orphans").getJsonObject(0).getMap()).containsEntry("foreignKey", "orders_parent_fk")
        .containsEntry("referencedTable", "public.orders").containsEntry("rows", 1L);
    assertThat(report.getJsonObject("totals").getLong("orphanedRows")).isEqualTo(1);
    assertThat(report.getJsonObject("totals").getLong("rejectedRows")).isEqualTo(2);
  }

  @Test
  void rowsRejectedOnRecordButNotCountedByTheCopyUnitsAreTheReportsCount() {
    List<WorkUnit> units = copiedAndCompared();
    WorkUnit checks = units.stream().filter(u -> u.id().equals(UnitPlanner.JOB_VERIFY_ID)).findFirst().orElseThrow();
    // ferry.rejects is the record: a count the copy units lost (a coordinator older than the column) is taken from it.
    units.set(units.indexOf(checks), checks.withFindings(VerifyFindings.jobChecks("job checks",
        List.of(new VerifyFindings.TableRows("a", "public.orders", 2), new VerifyFindings.TableRows("b", "public.orders", 3)),
        List.of())).withState(UnitState.DONE));
    JsonObject report = JobReport.of(JOB, units);
    assertThat(table(report, "b").getLong("rejectedRows")).isEqualTo(3);
    assertThat(report.getJsonObject("totals").getLong("rejectedRows")).isEqualTo(5);
    assertThat(units.stream().filter(u -> u.kind() == UnitKind.COPY && u.slice().tenantId().equals("b"))
        .mapToLong(u -> u.progress().rejected()).sum()).as("what the copy units counted").isZero();
  }
}
