package io.ferry.coordinator.schedule;

import io.ferry.coordinator.Fixtures;
import io.ferry.coordinator.RecordingSink;
import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.UnitPlanner;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import java.util.SplittableRandom;

/** The scheduling classes wired together on a recording sink, with a hand-driven clock. */
final class SchedulerHarness {

  static final long LEASE = 10_000;
  static final int MAX_ATTEMPTS = 3;
  static final long RETRY_BUDGET = 120_000;

  final RecordingSink sink = new RecordingSink();
  final JobBoard board = new JobBoard(sink);
  final JobSecrets secrets = new JobSecrets();
  final Unblocker unblocker;
  /** Where the reports' progress goes; a test may set it before driving units. */
  ProgressListener listener = ProgressListener.NONE;
  final UnitReports reports;
  final LeaseTracker leases = new LeaseTracker(board, LEASE);
  final Scheduler scheduler = new Scheduler(board, new AssignmentFactory(secrets), secrets, LEASE);
  long now = 1_000_000;

  SchedulerHarness() {
    this(NextTurn.NOW);
  }

  /** @param turns where the unblocker makes pending what does not fit in one turn */
  SchedulerHarness(NextTurn turns) {
    unblocker = new Unblocker(board, turns);
    reports = new UnitReports(board, unblocker, new ProgressListener() {
      @Override
      public void advanced(WorkUnit unit, long rowsDelta, long bytesDelta, long at) {
        listener.advanced(unit, rowsDelta, bytesDelta, at);
      }

      @Override
      public void rejected(WorkUnit unit, long rowsDelta) {
        listener.rejected(unit, rowsDelta);
      }
    }, new RetryPolicy(MAX_ATTEMPTS, RETRY_BUDGET), new SplittableRandom(42));
  }

  JobRecord addJob(String id, List<TablePlan> plans, String... tenants) {
    return addJob(id, plans, io.ferry.protocol.spec.Mode.CREATE, tenants);
  }

  JobRecord addJob(String id, List<TablePlan> plans, io.ferry.protocol.spec.Mode mode, String... tenants) {
    return addJob(id, plans, mode, io.ferry.protocol.spec.Verify.NONE, tenants);
  }

  JobRecord addJob(String id, List<TablePlan> plans, io.ferry.protocol.spec.Mode mode, io.ferry.protocol.spec.Verify verify,
      String... tenants) {
    JobSpec created = Fixtures.spec(id, "jdbc:postgresql://127.0.0.1/target", "target-literal-pw", tenants);
    JobSpec spec = new JobSpec(created.name(), created.source(), created.target(), created.tables(), mode, created.unit(),
        created.limits(), created.onRowError(), verify);
    JobRecord job = new JobRecord(id, id, spec.withoutSecrets(), JobState.RUNNING, JobPhase.PREPARE, now, now, null, plans, null);
    List<WorkUnit> units = UnitPlanner.units(id, plans, new UnitSize(10_000L, 1L << 40), mode, verify);
    secrets.put(id, spec);
    board.add(job, units);
    return job;
  }

  List<Assignment> claim(String worker, int slots) {
    return scheduler.claim(worker, slots, now).assignments();
  }

  WorkUnit unit(String jobId, String unitId) {
    return board.unit(jobId, unitId);
  }

  /** Claims and completes every ready unit until none is left. */
  void runAll(String worker) {
    List<Assignment> claimed;
    while (!(claimed = claim(worker, 100)).isEmpty()) {
      for (Assignment a : claimed) {
        ok(a.unit(), worker, 10);
      }
    }
  }

  void ok(WorkUnit u, String worker, long rows) {
    reports.result(new io.ferry.protocol.message.UnitResult(u.jobId(), u.id(), u.lease().epoch(), worker, true, rows, rows * 10, null, false), now);
  }

  void fail(WorkUnit u, String worker, String error, boolean retryable) {
    reports.result(new io.ferry.protocol.message.UnitResult(u.jobId(), u.id(), u.lease().epoch(), worker, false, 0, 0, error, retryable), now);
  }
}
