package io.ferry.worker.runtime;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.message.PreflightRequest;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.worker.Failures;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.preflight.Preflight;
import io.ferry.worker.rate.RateHints;
import io.ferry.worker.rate.RateMeter;
import io.ferry.worker.unit.EndEstimate;
import io.ferry.worker.unit.ProgressListener;
import io.ferry.worker.unit.UnitControl;
import io.ferry.worker.unit.UnitExecutor;
import io.ferry.worker.unit.UnitOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: pulls work units from the coordinator, executes them on threads of their own (at most
 * {@code maxUnits} at once), renews their leases by heartbeat and reports their results. It only
 * sends requests to coordinator addresses; its one consumer answers preflight requests.
 *
 * <p>A running unit that expects to end within a second asks for its successor, which waits here,
 * claimed, and starts the moment a slot is free: with small units the claim's round trip otherwise
 * left each slot idle for a third of the time (see {@link EndEstimate}).
 *
 * <p>Everything in this class runs on the verticle's event loop except the unit executions, which
 * come back through {@code context.runOnContext}. JDBC never runs here.
 */
public final class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  static final long STOP_GRACE_MILLIS = 20_000;
  private static final long REQUEST_TIMEOUT_MILLIS = 10_000;
  private static final int RESULT_ATTEMPTS = 6;
  /** The process's start (epoch ms), sent in heartbeats so that the dashboard shows the worker's uptime. */
  private static final long STARTED_AT = ProcessHandle.current().info().startInstant()
      .map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());

  /** A unit being executed, the switches it reads, and when it started. */
  private record Running(Assignment assignment, UnitControl control, long startedNanos) {
  }

  private final WorkerOptions options;
  private final ConnectionPools connections;
  private final UnitExecutor executor;
  private final Preflight preflight;
  private final ThroughputMeter meter = new ThroughputMeter();
  private final RateHints rateHints = new RateHints();
  private final ClaimAhead ahead;
  /** Keyed by unit id. Written on the event loop only; concurrent because heartbeats read it too. */
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Claimed successors of units ending soon, not started yet (event loop only). */
  private final Deque<Assignment> next = new ArrayDeque<>();
  private final String host;
  private final long pid = ProcessHandle.current().pid();
  private ExecutorService threads;
  private long claimTimer;
  private long heartbeatTimer;
  private boolean claimInFlight;
  /** A slot freed while a claim was in flight: ask again as soon as it is answered. */
  private boolean claimAgain;
  private boolean stopping;
  private boolean waitingLogged;
  private int resultsInFlight;
  private volatile boolean coordinatorGone;
  /** What {@link #ready()} says: written on the event loop and by {@link #coordinatorLost()}, read by the health port. */
  private volatile boolean serving;
  private volatile WorkerMetrics metrics;

  public WorkerVerticle(WorkerOptions options) {
    this(options, new ConnectionPools(ConnectionPools.Settings.forWorker(options.maxUnits())));
  }

  /** The preflight borrows from the units' pools: the sessions it warmed serve the next job's preflight. */
  private WorkerVerticle(WorkerOptions options, ConnectionPools connections) {
    this(options, connections, new Preflight(connections));
  }

  /** Units borrow their source and target connections from {@code connections}, which the verticle closes at stop. */
  WorkerVerticle(WorkerOptions options, ConnectionPools connections, Preflight preflight) {
    this.options = options;
    this.connections = connections;
    this.executor = new UnitExecutor(connections);
    this.preflight = preflight;
    this.ahead = new ClaimAhead(options.maxUnits());
    this.host = hostname();
  }

  @Override
  public Future<?> start() {
    // Platform threads, one per running unit (at most maxUnits + 1), kept for the next unit: starting a
    // thread per unit cost the event loop ~0.15 ms of CPU per unit (the clone, the stack's mapping) in
    // a profile of 25,000-row units. A virtual thread gained nothing for so few threads and cost
    // on every blocking socket read and write of the copy: the carrier hand-off, the poller's registration
    // and wake-up. With 25,000-row units that was 1.5–3.5 CPU seconds more per 400-unit job in the workers
    // than with platform threads (deploy/bench/unit-cost.sh). Daemons, as virtual threads were: a unit
    // left running past the stop's grace never keeps the JVM alive.
    threads = Executors.newCachedThreadPool(Thread.ofPlatform().name("unit-", 1).daemon(true).factory());
    metrics = new WorkerMetrics(options.workerId(), running::size, options.maxUnits());
    var consumer = vertx.eventBus().<String>consumer(Addresses.PREFLIGHT, this::onPreflight);
    // The tick stays: it covers a hint lost to a coordinator restart and retries whose backoff has passed.
    var ready = vertx.eventBus().<String>consumer(Addresses.UNITS_READY, message -> claim());
    claimTimer = vertx.setPeriodic(options.claimIntervalMillis(), id -> claim());
    heartbeatTimer = vertx.setPeriodic(options.heartbeatMillis(), id -> heartbeat());
    LOG.info("worker {} started on {} (pid {}), up to {} units at once", options.workerId(), host, pid, options.maxUnits());
    return Future.all(consumer.completion(), ready.completion()).onSuccess(v -> {
      serving = true;
      claim();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    serving = false;
    vertx.cancelTimer(claimTimer);
    vertx.cancelTimer(heartbeatTimer);
    LOG.info("worker {} stopping: {} units running", options.workerId(), running.size());
    handBack(waiting -> true);
    running.values().forEach(r -> r.control().stop());
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + STOP_GRACE_MILLIS;
    vertx.setPeriodic(50, id -> {
      // A claim answered after the stop began is handed back (its results are then in flight): wait for it.
      boolean idle = running.isEmpty() && ((resultsInFlight == 0 && !claimInFlight) || coordinatorGone);
      if (idle || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        if (!idle) {
          LOG.warn("worker {} stopped with {} units still running; their leases will expire", options.workerId(), running.size());
        }
        drained.tryComplete();
      }
    });
    return drained.future().onComplete(v -> {
      threads.shutdownNow();
      connections.close();
    });
  }

  /** This worker's metrics in the Prometheus text format ({@link WorkerEndpoint} serves them). */
  public String scrape() {
    WorkerMetrics current = metrics;
    return current == null ? "" : current.scrape();
  }

  /** Started, not stopping and its coordinator still there: it takes work. Read from any thread. */
  public boolean ready() {
    return serving;
  }

  /**
   * The coordinator left the cluster: a stop that follows need not wait for results to be delivered
   * (there is no one to deliver them to; the next coordinator reads the units' checkpoints instead).
   * Units still end at their next chunk boundary.
   */
  public void coordinatorLost() {
    coordinatorGone = true;
    serving = false;
    // Their leases went with the coordinator: the next one hands those units out again.
    context.runOnContext(v -> next.clear());
  }

  /**
   * How many units may run now: {@code maxUnits}, plus one while a unit commits its last chunk
   * ({@link UnitControl#isEnding()}): it lends its slot, so its successor streams during that commit. One
   * such loan at a time, because the connection pools keep one connection of headroom per database
   * beyond {@code maxUnits}.
   */
  private int capacity() {
    boolean lending = running.values().stream().anyMatch(r -> r.control().isEnding());
    return options.maxUnits() + (lending ? 1 : 0);
  }

  /**
   * Units to ask for: one per slot that can start one now, and the successors each unit ending soon wants
   * (one, or several for a small unit: {@link UnitControl#successorsWanted()}), at most as many as the
   * slots can start soon ({@link ClaimAhead}), less those already waiting.
   */
  int wanted() {
    long soon = running.values().stream().filter(r -> r.control().isEndingSoon() && !r.control().isEnding())
        .mapToLong(r -> r.control().successorsWanted()).sum();
    long want = capacity() - running.size() + Math.min(soon, ahead.cap()) - next.size();
    return (int) Math.max(0, Math.min((long) options.maxUnits() * UnitControl.SMALL_UNIT_SUCCESSORS, want));
  }

  /** Starts waiting successors while there is room. */
  private void fill() {
    while (!stopping && running.size() < capacity() && !next.isEmpty()) {
      launch(next.poll());
    }
  }

  /**
   * Asks for the {@link #wanted} units in one request. A slot freed while a request is in flight asks
   * again as soon as the answer is in, not at the next claim tick: with small units, a tick of idle slot
   * per unit would cost more than the unit itself.
   */
  private void claim() {
    int free = wanted();
    if (stopping || free <= 0) {
      return;
    }
    if (claimInFlight) {
      claimAgain = true;
      return;
    }
    claimInFlight = true;
    claimAgain = false;
    vertx.eventBus().<String>request(Addresses.CLAIM, Json.encode(new ClaimRequest(options.workerId(), free)), timeout())
        .onComplete(ar -> {
          claimInFlight = false;
          if (ar.failed()) {
            claimAgain = false;
            if (!waitingLogged) {
              LOG.info("waiting for a coordinator ({})", ar.cause().getMessage());
              waitingLogged = true;
            }
            return;
          }
          if (waitingLogged) {
            LOG.info("coordinator reachable");
            waitingLogged = false;
          }
          ClaimReply reply = Json.decode(ar.result().body(), ClaimReply.class);
          if (reply.assignments() != null) {
            next.addAll(reply.assignments());
            if (stopping) {
              handBack(waiting -> true); // claimed while stopping: requeued at once
            }
            fill();
          }
          if (claimAgain) {
            claim();
          }
        });
  }

  /** Reports the waiting units that {@code which} selects as stopped before they started, to be requeued at once. */
  private void handBack(Predicate<Assignment> which) {
    List<Assignment> handed = next.stream().filter(which).toList();
    next.removeAll(handed);
    for (Assignment waiting : handed) {
      LOG.info("{}: handed back unstarted: {}", waiting.unit().describe(), UnitOutcome.STOPPING);
      report(waiting.unit(), UnitOutcome.failed(UnitOutcome.STOPPING, true, 0, 0));
    }
  }

  private void launch(Assignment assignment) {
    WorkUnit unit = assignment.unit();
    Running run = new Running(assignment, new UnitControl(() -> context.runOnContext(v -> {
      fill();
      claim();
    })), System.nanoTime());
    Running previous = running.put(key(unit), run);
    if (previous != null) {
      previous.control().loseLease();
    }
    LOG.info("{}: started (epoch {})", unit.describe(), unit.lease().epoch());
    threads.execute(() -> {
      RateMeter rate = new RateMeter(vertx, unit.jobId(), options.workerId(), rateHints);
      UnitOutcome outcome = executor.execute(assignment, run.control(), progressOf(unit, run.control()), rate);
      rate.settle();
      if (rate.waitedMillis() > 0) {
        metrics.rateLimited(rate.waitedMillis());
      }
      context.runOnContext(v -> ended(run, outcome));
    });
  }

  /**
   * Counts every committed chunk, and tells the coordinator about each one but the last: the unit's
   * result follows that one at once with the same totals, so a message per unit is saved (with small
   * units, most units are one chunk).
   */
  private ProgressListener progressOf(WorkUnit unit, UnitControl control) {
    return new ProgressListener() {
      @Override
      public void committed(long rows, long bytes, long rowsDelta, long bytesDelta) {
        committed(rows, bytes, 0, rowsDelta, bytesDelta);
      }

      @Override
      public void committed(long rows, long bytes, long rejected, long rowsDelta, long bytesDelta) {
        meter.add(rowsDelta, bytesDelta);
        metrics.committed(rowsDelta, bytesDelta);
        if (control.isEnding()) {
          return;
        }
        vertx.eventBus().send(Addresses.PROGRESS,
            Json.encode(new UnitProgress(unit.jobId(), unit.id(), unit.lease().epoch(), options.workerId(), rows, bytes,
                rejected)));
      }

      @Override
      public void timed(long sourceReadNanos, long targetWriteNanos) {
        metrics.sourceRead(sourceReadNanos);
        metrics.targetWrite(targetWriteNanos);
      }
    };
  }

  private void ended(Running run, UnitOutcome outcome) {
    running.remove(key(run.assignment().unit()), run);
    if (outcome.ok() && run.assignment().unit().kind() == UnitKind.COPY) {
      ahead.ended(System.nanoTime() - run.startedNanos());
    }
    if (outcome.silent() || run.control().leaseLost()) {
      LOG.info("{}: stopped, lease lost", run.assignment().unit().describe());
    } else {
      report(run.assignment().unit(), outcome);
    }
    fill();
    claim();
  }

  private void report(WorkUnit unit, UnitOutcome outcome) {
    if (!outcome.ok()) {
      metrics.unitFailed();
    }
    UnitResult result = new UnitResult(unit.jobId(), unit.id(), unit.lease().epoch(), options.workerId(), outcome.ok(),
        outcome.rows(), outcome.bytes(), outcome.error(), outcome.retryable(), outcome.rejected(), outcome.findings());
    resultsInFlight++;
    sendResult(Json.encode(result), unit, 1);
  }

  /** A coordinator restarting is not a reason to lose a result: retry with growing pauses. */
  private void sendResult(String body, WorkUnit unit, int attempt) {
    vertx.eventBus().request(Addresses.RESULT, body, timeout()).onComplete(ar -> {
      if (ar.succeeded()) {
        resultsInFlight--;
      } else if (attempt >= RESULT_ATTEMPTS) {
        resultsInFlight--;
        LOG.warn("{}: result not delivered after {} attempts ({}); the lease will expire and the unit is re-run",
            unit.describe(), attempt, ar.cause().getMessage());
      } else {
        vertx.setTimer(250L << attempt, id -> sendResult(body, unit, attempt + 1));
      }
    });
  }

  private void heartbeat() {
    ThroughputMeter.Rates rates = meter.sample(System.currentTimeMillis());
    // Waiting successors are held too: their leases are renewed like the running units', and they are
    // named apart so that the coordinator counts them as pending work.
    List<String> active = new ArrayList<>(running.keySet());
    List<String> held = next.stream().map(a -> key(a.unit())).toList();
    active.addAll(held);
    Heartbeat beat = new Heartbeat(options.workerId(), host, pid, options.maxUnits(), active,
        rates.rowsPerSecond(), rates.bytesPerSecond(), rates.rowsTotal(), held, STARTED_AT);
    vertx.eventBus().<String>request(Addresses.HEARTBEAT, Json.encode(beat), timeout()).onSuccess(reply -> {
      HeartbeatReply r = Json.decode(reply.body(), HeartbeatReply.class);
      if (r.lostUnits() != null) {
        next.removeIf(a -> r.lostUnits().contains(key(a.unit())));
        for (String unitKey : r.lostUnits()) {
          Running run = running.get(unitKey);
          if (run != null) {
            LOG.info("{}: the coordinator says the lease is lost; stopping it", run.assignment().unit().describe());
            run.control().loseLease();
          }
        }
      }
      if (r.stopUnits() != null) {
        handBack(waiting -> r.stopUnits().contains(key(waiting.unit())));
        for (String unitKey : r.stopUnits()) {
          Running run = running.get(unitKey);
          if (run != null) {
            LOG.info("{}: the coordinator asks to stop it at the next checkpoint", run.assignment().unit().describe());
            run.control().stop();
          }
        }
      }
    });
  }

  private void onPreflight(Message<String> message) {
    vertx.executeBlocking(() -> preflight.run(Json.decode(message.body(), PreflightRequest.class).spec()), false)
        .onComplete(ar -> {
          PreflightReply reply = ar.succeeded() ? ar.result()
              : new PreflightReply(List.of(), List.of("preflight failed on worker " + options.workerId() + ": "
                  + Failures.message(ar.cause())));
          message.reply(Json.encode(reply));
        });
  }

  /** Unit ids are unique within a job only: the worker names its units {@code jobId/unitId} to the coordinator. */
  static String key(WorkUnit unit) {
    return unit.jobId() + "/" + unit.id();
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
