package io.ferry.coordinator;

import io.ferry.coordinator.limit.Permits;
import io.ferry.coordinator.schedule.JobControl;
import io.ferry.coordinator.schedule.LeaseTracker;
import io.ferry.coordinator.schedule.Scheduler;
import io.ferry.coordinator.schedule.UnitReports;
import io.ferry.coordinator.schedule.WorkerRegistry;
import io.ferry.protocol.Addresses;
import io.ferry.protocol.BusFailure;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.Heartbeat;
import io.ferry.protocol.message.HeartbeatReply;
import io.ferry.protocol.message.PermitRequest;
import io.ferry.protocol.message.UnitProgress;
import io.ferry.protocol.message.UnitResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus side of the coordinator: what workers send (claims, progress, results, heartbeats).
 * Bodies are JSON strings ({@link Json}). Handlers run on the coordinator verticle's event loop, the
 * only thread that touches the job board.
 */
final class WorkerEndpoints {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerEndpoints.class);

  private final Scheduler scheduler;
  private final UnitReports reports;
  private final LeaseTracker leases;
  private final JobControl control;
  private final WorkerRegistry workers;
  private final Permits permits;
  private final LongSupplier clock;

  WorkerEndpoints(Scheduler scheduler, UnitReports reports, LeaseTracker leases, JobControl control, WorkerRegistry workers,
      Permits permits, LongSupplier clock) {
    this.permits = permits;
    this.scheduler = scheduler;
    this.reports = reports;
    this.leases = leases;
    this.control = control;
    this.workers = workers;
    this.clock = clock;
  }

  Future<Void> register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<String>> consumers = List.of(
        bus.consumer(Addresses.CLAIM, handler(ClaimRequest.class, (req, msg) -> claim(vertx, req, msg))),
        bus.consumer(Addresses.PROGRESS, handler(UnitProgress.class, (p, msg) -> {
          reports.progress(p, clock.getAsLong());
          if (msg.replyAddress() != null) {
            msg.reply("ok");
          }
        })),
        bus.consumer(Addresses.RESULT, handler(UnitResult.class, (r, msg) -> {
          reports.result(r, clock.getAsLong());
          msg.reply("ok");
        })),
        bus.consumer(Addresses.PERMIT, handler(PermitRequest.class, (req, msg) ->
            msg.reply(Json.encode(permits.reserve(req))))),
        bus.consumer(Addresses.HEARTBEAT, handler(Heartbeat.class, (hb, msg) -> {
          long now = clock.getAsLong();
          workers.seen(hb, now);
          msg.reply(Json.encode(new HeartbeatReply(leases.renew(hb, now), control.toStop(hb))));
        })));
    // Completion means the registration reached the whole cluster (workers can now find the handlers).
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /**
   * Replies only once the claimed leases are recorded in the target. If they cannot be, the worker gets
   * an error and starts nothing; the leases lapse after the lease timeout and the units are claimed again.
   */
  private void claim(Vertx vertx, ClaimRequest req, Message<String> msg) {
    Scheduler.Claim claim = scheduler.claim(req.workerId(), req.slots(), clock.getAsLong());
    if (claim.assignments().isEmpty()) {
      msg.reply(Json.encode(new ClaimReply(List.of())));
      return;
    }
    Future.fromCompletionStage(claim.recorded(), vertx.getOrCreateContext()).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(Json.encode(new ClaimReply(claim.assignments())));
      } else {
        // The worker claims again; these leases lapse: a warning, like every retried fault.
        LOG.warn("claim of {} unit(s) by worker {} not recorded in the target (their leases lapse, the worker claims"
            + " again): {}", claim.assignments().size(), req.workerId(), ar.cause().getMessage());
        msg.fail(BusFailure.NOT_RECORDED.code(), "the claim could not be recorded in the target database: " + ar.cause().getMessage());
      }
    });
  }

  private interface Handling<T> {
    void handle(T body, Message<String> msg);
  }

  private static <T> io.vertx.core.Handler<Message<String>> handler(Class<T> type, Handling<T> handling) {
    return msg -> {
      T body;
      try {
        body = Json.decode(msg.body(), type);
      } catch (RuntimeException e) {
        LOG.warn("unreadable {} on {}: {}", type.getSimpleName(), msg.address(), e.getMessage());
        msg.fail(BusFailure.UNREADABLE.code(), "unreadable " + type.getSimpleName() + ": " + e.getMessage());
        return;
      }
      try {
        handling.handle(body, msg);
      } catch (RuntimeException e) {
        LOG.error("failed to handle {} on {}", type.getSimpleName(), msg.address(), e);
        msg.fail(BusFailure.INTERNAL.code(), e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    };
  }
}
