package io.ferry.coordinator.progress;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.spec.Verify;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the dashboard's grid, the report and {@code GET …/units} cost on a job of ~100,000 units (10 tenants × 50
 * tables × 99 copy ranges, each with its verify unit): each view built from a {@link JobBoard} holding the job, 30
 * times unmeasured then 50 times timed, with its JSON encoded as the HTTP answer would be (docs/scaling.md).
 * Not a test: run by hand, {@code java … io.ferry.coordinator.progress.ViewCost [tables per tenant]}.
 */
public final class ViewCost {

  public static void main(String[] args) {
    int tenants = 10;
    int tables = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    List<TablePlan> plans = new ArrayList<>();
    String[] tenantIds = new String[tenants];
    for (int t = 0; t < tenants; t++) {
      tenantIds[t] = "t" + t;
      for (int n = 0; n < tables; n++) {
        plans.add(Fixtures.plan("t" + t, "public.table_" + n, 1_000_000, 100_000_000, Fixtures.quantiles(100, 10_000)));
      }
    }
    JobRecord job = new JobRecord("j", "j", Fixtures.spec("j", "jdbc:postgresql://127.0.0.1/target", "pw", tenantIds).withoutSecrets(),
        JobState.RUNNING, JobPhase.COPY, 0, 0L, null, plans, null);
    List<WorkUnit> units = new ArrayList<>(UnitPlanner.units("j", plans, new UnitSize(10_000L, 1L << 40), Mode.CREATE, Verify.FULL));
    VerifyFindings clean = new VerifyFindings(10_000, 10_000, 1, 0, 0, List.of(), null);
    VerifyFindings missing = new VerifyFindings(10_000, 9_999, 1, 1, 1,
        List.of(new VerifyFindings.Difference(VerifyFindings.Kind.MISSING, List.of("5"), List.of())), null);
    int[] n = {0};
    units.replaceAll(u -> {
      int i = n[0]++;
      return switch (u.kind()) {
        case COPY -> i % 10 < 6 ? u.withProgress(10_000, 1_000_000).withState(UnitState.DONE)
            : i % 997 == 0 ? u.withError("boom").withState(UnitState.FAILED)
            : i % 10 == 6 ? u.leased("w" + (i % 32), 1L << 50) : u.withState(UnitState.PENDING);
        case VERIFY -> u.slice().table() == null ? u
            : i % 10 < 3 ? u.withFindings(i % 1009 == 0 ? missing : clean).withState(UnitState.DONE) : u;
        default -> u.withState(UnitState.DONE);
      };
    });
    JobBoard board = new JobBoard(new RecordingSink());
    board.add(job, units);
    System.out.printf(Locale.ROOT, "units %d, tables %d, tenants %d, load %s%n", board.units("j").size(), tables, tenants,
        loadAverage());
    time("dashboard grid", () -> TenantGrid.of(board.tally("j"), job).encode().length());
    time("report", () -> JobReport.of(job, board.tally("j")).encode().length());
    time("units?state=failed", () -> list(board, null, UnitState.FAILED, Integer.MAX_VALUE).size());
    time("units?state=leased", () -> list(board, null, UnitState.LEASED, Integer.MAX_VALUE).size());
    time("units?kind=verify&state=done", () -> list(board, UnitKind.VERIFY, UnitState.DONE, Integer.MAX_VALUE).size());
    time("units?state=leased&limit=100", () -> list(board, null, UnitState.LEASED, 101).size());
    time("units?limit=100", () -> list(board, null, null, 101).size());
  }

  private static List<WorkUnit> list(JobBoard board, UnitKind kind, UnitState state, int limit) {
    List<WorkUnit> page = board.units("j", kind, state, null, limit);
    Json.encode(java.util.Map.of("units", page));
    return page;
  }

  private static void time(String what, Supplier<Integer> view) {
    for (int i = 0; i < 30; i++) {
      view.get();
    }
    double[] ms = new double[50];
    int size = 0;
    for (int i = 0; i < ms.length; i++) {
      long start = System.nanoTime();
      size = view.get();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(Locale.ROOT, "%-32s size %8d  p50 %8.3f ms  max %8.3f ms%n", what, size, ms[ms.length / 2], ms[ms.length - 1]);
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
