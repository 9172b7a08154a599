package io.ferry.bench;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.PreflightRequest;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers the coordinator's preflight as a worker would, without a database: a table plan for every
 * tenant of the spec and every table its {@code tables.include} names, each with a bigint key whose
 * {@code unitsPerTable + 1} quantiles make the coordinator's own splitter cut it into exactly
 * {@code unitsPerTable} copy units at the spec's unit size. The coordinator plans, records and schedules
 * the job as any other: only the survey's answer is made up.
 */
final class SimulatedSurvey extends VerticleBase {

  private final int unitsPerTable;

  SimulatedSurvey(int unitsPerTable) {
    this.unitsPerTable = unitsPerTable;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<String>consumer(Addresses.PREFLIGHT, message -> {
      JobSpec spec = Json.decode(message.body(), PreflightRequest.class).spec();
      message.reply(Json.encode(new PreflightReply(plans(spec, unitsPerTable), List.of())));
    }).completion();
  }

  static List<TablePlan> plans(JobSpec spec, int unitsPerTable) {
    long unitRows = spec.unitOrDefault().rows();
    List<List<String>> quantiles = new ArrayList<>();
    for (long i = 0; i <= unitsPerTable; i++) {
      quantiles.add(List.of(Long.toString(i * unitRows)));
    }
    SplitPlan split = new SplitPlan(List.of("id"), List.of("bigint"), false, List.of(true), SplitMethod.PRIMARY_KEY,
        quantiles, "exact");
    List<ColumnPlan> columns = List.of(new ColumnPlan("id", "bigint", false, null, null));
    List<TablePlan> plans = new ArrayList<>();
    for (String table : spec.tables().include()) {
      String target = spec.target().schema() + "." + table.substring(table.indexOf('.') + 1);
      for (TenantSpec tenant : spec.source().tenants()) {
        // 100 bytes a row: the bytes limit of the spec's unit size never cuts before its rows limit does.
        plans.add(new TablePlan(tenant.id(), table, target, columns, split, unitRows * unitsPerTable,
            unitRows * unitsPerTable * 100, CopyFormat.BINARY, null,
            new TargetDdl(List.of(), List.of("-- simulated prepare"), List.of("-- simulated finish"), List.of()),
            false, false, 0, List.of()));
      }
    }
    return plans;
  }
}
