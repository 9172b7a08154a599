package io.ferry.worker;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Runs one table's prepare and copy in a JVM of its own, so that {@code LargeValuesIT} can give it a heap
 * smaller than the table: {@code main(sourceUrl, targetUrl, user, password|-, table, chunkBytes)}. Prints
 * {@code OK <rows>} or the failure, and exits 0 only when the copy succeeded.
 */
public final class LargeValueCopy {

  private LargeValueCopy() {
  }

  public static void main(String[] args) {
    String password = "-".equals(args[3]) ? null : args[3];
    JobSpec spec = new JobSpec("large", new SourceSpec("postgresql", List.of(new TenantSpec("t1", args[0], args[2], password))),
        new TargetSpec("postgresql", args[1], args[2], password, null, null),
        new TableSelection(List.of(args[4]), List.of()), Mode.DROP_RECREATE, null);
    try {
      PreflightReply reply = new Preflight().run(spec);
      if (!reply.problems().isEmpty()) {
        throw new IllegalStateException(reply.problems().toString());
      }
      TablePlan plan = reply.plans().get(0);
      Endpoint source = spec.source().endpoint(spec.source().tenants().get(0));
      Endpoint target = spec.target().endpoint();
      UnitExecutor executor = new UnitExecutor();
      UnitOutcome prepared = executor.execute(Units.statements("prepare", "large", UnitKind.PREPARE, plan,
          plan.ddl().prepare(), source, target), new UnitControl(), ProgressListener.NONE);
      check(prepared);
      Assignment copy = new Assignment(Units.unit("copy", "large", UnitKind.COPY, plan, KeyRange.ALL, 1), plan, source, target,
          null, List.of(), Long.MAX_VALUE, Long.parseLong(args[5]), Mode.DROP_RECREATE, List.of(), null);
      UnitOutcome copied = executor.execute(copy, new UnitControl(), ProgressListener.NONE);
      check(copied);
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.println("OK " + copied.rows() + " rows, " + copied.bytes() + " bytes, peak heap " + peak / (1024 * 1024) + " MiB");
      System.exit(0);
    } catch (Throwable e) {
      System.out.println("FAILED " + e);
      System.exit(1);
    }
  }

  private static void check(UnitOutcome outcome) {
    if (!outcome.ok()) {
      throw new IllegalStateException(outcome.error());
    }
  }
}
