package io.ferry.coordinator;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.ferry.coordinator.http.HttpApi;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.progress.FerryMetrics;
import io.ferry.coordinator.progress.JobStatusView;
import io.ferry.coordinator.progress.ThroughputTracker;
import io.ferry.coordinator.limit.JobRateLimiter;
import io.ferry.coordinator.limit.Permits;
import io.ferry.coordinator.schedule.AssignmentFactory;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.JobControl;
import io.ferry.coordinator.schedule.Rollbacks;
import io.ferry.coordinator.schedule.JobSecrets;
import io.ferry.coordinator.schedule.LeaseTracker;
import io.ferry.coordinator.schedule.Scheduler;
import io.ferry.coordinator.schedule.Unblocker;
import io.ferry.coordinator.schedule.UnitReports;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.coordinator.store.JobStore;
import io.ferry.coordinator.store.TargetStore;
import io.ferry.coordinator.submit.Submissions;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: wires the job board, scheduler, leases, store and HTTP API together, and runs the
 * start-up sequence (HTTP up and answering that it is not ready, job state loaded from the targets,
 * reconciled with the workers' checkpoints, worker endpoints registered, then ready).
 *
 * <p>All job and unit state is confined to this verticle's event loop; JDBC and map loads run on the
 * {@code ferry-store} worker pool, and map writes are asynchronous.
 */
public final class CoordinatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);
  private static final int STORE_POOL_SIZE = 4;

  private final CoordinatorOptions options;
  private final HazelcastInstance hazelcast;
  private final LongSupplier clock = System::currentTimeMillis;
  private volatile boolean ready;
  private HttpServer server;
  private WorkerExecutor executor;
  private UUID membershipRegistration;
  private long tickTimer = -1;
  private FerryMetrics metrics;

  public CoordinatorVerticle(CoordinatorOptions options, HazelcastInstance hazelcast) {
    this.options = options;
    this.hazelcast = hazelcast;
  }

  /** The HTTP port actually bound (useful with port 0); -1 before start. */
  public int actualHttpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** True once job state is loaded and the worker endpoints are registered. */
  public boolean isReady() {
    return ready;
  }

  @Override
  public Future<?> start() {
    TargetStore targets = CoordinatorCluster.store(hazelcast);
    executor = vertx.createSharedWorkerExecutor("ferry-store", STORE_POOL_SIZE, 10, TimeUnit.MINUTES);
    JobStore store = new JobStore(hazelcast, targets, executor);
    JobBoard board = new JobBoard(store.sink(), new UnitsReadyHint(context));
    JobSecrets secrets = new JobSecrets();
    WorkerRegistry workers = new WorkerRegistry();
    ThroughputTracker throughput = new ThroughputTracker();
    Permits permits = new Permits(board, new JobRateLimiter(System::nanoTime));
    metrics = new FerryMetrics(board, workers, throughput, permits);
    // Rollbacks record their end once their units' resets are recorded: back on this verticle's event loop.
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    LoopTurns turns = new LoopTurns(loop);
    Unblocker unblocker = new Unblocker(board, turns);
    Rollbacks rollbacks = new Rollbacks(board, unblocker, task -> loop.runOnContext(v -> task.run()));
    UnitReports reports = new UnitReports(board, unblocker, metrics, options.retry(), new SecureRandom(), rollbacks);
    LeaseTracker leases = new LeaseTracker(board, options.leaseTimeoutMillis());
    Scheduler scheduler = new Scheduler(board, new AssignmentFactory(secrets, options.chunkRows()), secrets,
        options.leaseTimeoutMillis());
    JobControl control = new JobControl(board, unblocker, secrets, rollbacks);
    Submissions submissions = new Submissions(vertx, store, board, secrets, metrics, workers, clock, turns);

    var router = HttpApi.router(vertx, options.apiToken(), () -> ready, submissions, board,
        new JobStatusView(board, throughput), control, workers, metrics, clock,
        (jobId, tenant, table, limit) -> executor.executeBlocking(() -> targets.rejects(jobId, tenant, table, limit), false));
    // Watch members before loading: a worker that leaves while state loads is then either absent from the
    // member list read at restore, or its departure is handled (on this event loop) after restore.
    watchMembers(leases, workers);
    return vertx.createHttpServer(new HttpServerOptions().setHost(options.httpHost()).setPort(options.httpPort()))
        .requestHandler(router)
        .listen()
        .compose(http -> {
          server = http;
          LOG.info("coordinator HTTP API on {}:{} (not ready until job state is loaded)", options.httpHost(), http.actualPort());
          return store.load();
        })
        .compose(loaded -> {
          restore(loaded, board, secrets, metrics, reports, unblocker, leases);
          return new WorkerEndpoints(scheduler, reports, leases, control, workers, permits, clock).register(vertx);
        })
        .map(v -> {
          tickTimer = vertx.setPeriodic(1_000, id -> {
            long now = clock.getAsLong();
            leases.expire(now);
            workers.expire(now, 3 * options.leaseTimeoutMillis());
          });
          ready = true;
          LOG.info("coordinator ready: {} job(s) loaded", board.jobs().size());
          return null;
        });
  }

  /**
   * Rebuilds the in-memory state from the record: a unit whose checkpoint says done is done (its worker
   * committed but the result was lost); a unit leased by a worker that is not a cluster member now goes
   * back to the queue at once, and the leases of members get a fresh deadline (their heartbeats renew
   * them); dependencies are settled again; paused and cancelled jobs stay so; and a running job whose
   * literal passwords were lost in the restart is paused.
   */
  private void restore(JobStore.Loaded loaded, JobBoard board, JobSecrets secrets, FerryMetrics metrics,
      UnitReports reports, Unblocker unblocker, LeaseTracker leases) {
    long now = clock.getAsLong();
    Map<String, List<WorkUnit>> unitsByJob = new HashMap<>();
    for (WorkUnit u : loaded.units()) {
      unitsByJob.computeIfAbsent(u.jobId(), id -> new ArrayList<>()).add(u);
    }
    for (JobRecord job : loaded.jobs()) {
      board.add(job, unitsByJob.getOrDefault(job.id(), List.of()));
      metrics.watch(job.id());
    }
    leases.refreshAll(now);
    int released = leases.releaseAbsent(memberIds());
    int reconciled = 0;
    for (var checkpoint : loaded.doneCheckpoints()) {
      WorkUnit unit = board.unit(checkpoint.jobId(), checkpoint.unitId());
      // A verify unit's findings are in its result only: without them it runs again, so no checkpoint makes it done.
      if (unit != null && unit.state() != UnitState.DONE && unit.kind() != UnitKind.VERIFY) {
        reports.done(unit, checkpoint.rows(), checkpoint.bytes(), checkpoint.rejected(), now);
        reconciled++;
      }
    }
    for (JobRecord job : List.copyOf(board.jobs())) {
      unblocker.settle(job.id(), now);
      JobRecord current = board.job(job.id());
      if (JobBoard.handsOut(current.state()) && secrets.missing(current)) {
        LOG.warn("job {} is paused: a password of its spec was written literally and is lost after a coordinator restart;"
            + " resubmit it, with ${env:…} / ${file:…} references for restartable jobs", job.id());
        board.save(current.withState(JobState.PAUSED, null,
            "the coordinator restarted and this job's literal passwords were kept in memory only: resubmit it"
                + " (use ${env:NAME} or ${file:/path} password references for jobs that must survive a restart)"));
      }
    }
    LOG.info("job state restored: {} job(s); {} unit(s) marked done from their checkpoints; {} unit(s) leased by workers"
        + " no longer in the cluster back to the queue", loaded.jobs().size(), reconciled, released);
  }

  /** The worker ids (Vert.x node ids) of the cluster's members right now. */
  private Set<String> memberIds() {
    Set<String> ids = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      String nodeId = m.getAttribute(VERTX_NODE_ID);
      ids.add(nodeId != null ? nodeId : m.getUuid().toString());
    }
    return ids;
  }

  /** A worker's cluster membership ending (kill -9 is seen in well under a second) releases its leases at once. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private void watchMembers(LeaseTracker leases, WorkerRegistry workers) {
    var context = this.context;
    membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // a new worker claims work by itself
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        // Workers are named by their Vert.x node id, which vertx-hazelcast keeps in this member attribute.
        String nodeId = event.getMember().getAttribute(VERTX_NODE_ID);
        String workerId = nodeId != null ? nodeId : event.getMember().getUuid().toString();
        context.runOnContext(v -> {
          int released = leases.releaseWorker(workerId);
          workers.remove(workerId);
          LOG.info("member {} left the cluster; {} unit(s) back to the queue", workerId, released);
        });
      }
    });
  }

  @Override
  public Future<?> stop() {
    ready = false;
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
    }
    if (membershipRegistration != null) {
      try {
        hazelcast.getCluster().removeMembershipListener(membershipRegistration);
      } catch (RuntimeException e) {
        LOG.debug("membership listener not removed (Hazelcast already stopping): {}", e.getMessage());
      }
    }
    if (metrics != null) {
      metrics.close();
    }
    Future<Void> http = server == null ? Future.succeededFuture() : server.close();
    return http.compose(v -> executor == null ? Future.succeededFuture() : executor.close());
  }
}
