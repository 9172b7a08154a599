package io.ferry.worker;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.ClaimRequest;
import io.ferry.protocol.message.UnitResult;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's requests to the coordinator about units. Each request asks for the units the worker wants
 * and reports the results of the units that ended since the last one ({@link ClaimRequest}); at most one
 * is in flight, and what comes up meanwhile goes in the next.
 *
 * <p>A worker of small units ends one and claims a successor about once per unit each, a few
 * milliseconds apart: sent as they came, that was two round trips per unit, each with its JSON, its
 * event-bus hops and its record in the target. So a request with only one of the two waits up to
 * {@link #GATHER_MILLIS} for the other. It never waits when a slot stands idle or the worker stops:
 * then the units or the results are wanted now. A successor is claimed while its predecessor still has
 * most of a second to run ({@link EndEstimate}), so the wait costs no slot any time.
 *
 * <p>Results are not lost to a coordinator restarting: a request that fails is sent again, results and
 * all, with growing pauses, {@link #RESULT_ATTEMPTS} times. After that the units' leases expire and the
 * units run again (they find their checkpoints). A failed request that reported nothing is not repeated:
 * the worker's claim tick asks again.
 *
 * <p>Event loop only.
 */
final class UnitExchange {

  private static final Logger LOG = LoggerFactory.getLogger(UnitExchange.class);
  static final long GATHER_MILLIS = 20;
  static final int RESULT_ATTEMPTS = 6;
  private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

  /** What the worker needs, asked at the moment a request is sent. */
  interface Slots {

    /** How many units to ask for now (0 or less: none). */
    int wanted();

    /** A slot stands idle, or the worker stops: a request goes at once, without gathering. */
    boolean urgent();

    /** The coordinator's answer: units leased to this worker. */
    void assigned(List<Assignment> assignments);
  }

  private final Vertx vertx;
  private final String workerId;
  private final Slots slots;
  private final long gatherMillis;
  private final List<UnitResult> unsent = new ArrayList<>();
  private int sending;
  private boolean inFlight;
  private boolean again;
  private long gatherTimer = -1;
  private long retryTimer = -1;
  private int failures;
  private boolean waitingLogged;

  UnitExchange(Vertx vertx, String workerId, Slots slots) {
    this(vertx, workerId, slots, GATHER_MILLIS);
  }

  /** @param gatherMillis how long a request with only results or only a claim waits for the other kind */
  UnitExchange(Vertx vertx, String workerId, Slots slots, long gatherMillis) {
    this.vertx = vertx;
    this.workerId = workerId;
    this.slots = slots;
    this.gatherMillis = gatherMillis;
  }

  /** Reports a unit's end with the next request. */
  void report(UnitResult result) {
    unsent.add(result);
    request();
  }

  /** Results reported but not yet taken by the coordinator. */
  int undelivered() {
    return unsent.size() + sending;
  }

  /** Sends what there is to send: at once if it is urgent or holds both kinds, else after the gathering wait. */
  void request() {
    if (inFlight || retryTimer >= 0) {
      again = true;
      return;
    }
    boolean claims = slots.wanted() > 0;
    if (!claims && unsent.isEmpty()) {
      return;
    }
    if (slots.urgent() || (claims && !unsent.isEmpty())) {
      send();
    } else if (gatherTimer < 0) {
      gatherTimer = vertx.setTimer(gatherMillis, id -> {
        gatherTimer = -1;
        send();
      });
    }
  }

  private void send() {
    if (gatherTimer >= 0) {
      vertx.cancelTimer(gatherTimer);
      gatherTimer = -1;
    }
    if (inFlight || retryTimer >= 0) {
      again = true;
      return;
    }
    int want = Math.max(0, slots.wanted());
    if (want == 0 && unsent.isEmpty()) {
      return;
    }
    List<UnitResult> results = List.copyOf(unsent);
    unsent.clear();
    sending = results.size();
    inFlight = true;
    again = false;
    vertx.eventBus().<String>request(Addresses.CLAIM, Json.encode(new ClaimRequest(workerId, want, results)),
            new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS))
        .onComplete(ar -> {
          inFlight = false;
          sending = 0;
          if (ar.failed()) {
            failed(results, ar.cause());
            return;
          }
          failures = 0;
          if (waitingLogged) {
            LOG.info("coordinator reachable");
            waitingLogged = false;
          }
          ClaimReply reply = Json.decode(ar.result().body(), ClaimReply.class);
          if (reply.assignments() != null && !reply.assignments().isEmpty()) {
            slots.assigned(reply.assignments());
          }
          if (again) {
            request();
          }
        });
  }

  private void failed(List<UnitResult> results, Throwable cause) {
    if (!waitingLogged) {
      LOG.info("waiting for a coordinator ({})", cause.getMessage());
      waitingLogged = true;
    }
    if (results.isEmpty()) {
      again = false; // a claim alone: the claim tick asks again
      return;
    }
    failures++;
    if (failures >= RESULT_ATTEMPTS) {
      for (UnitResult r : results) {
        LOG.warn("unit {} of job {}: result not delivered after {} attempts ({}); the lease will expire and the unit is re-run",
            r.unitId(), r.jobId(), failures, cause.getMessage());
      }
      failures = 0;
      return;
    }
    unsent.addAll(0, results);
    retryTimer = vertx.setTimer(250L << failures, id -> {
      retryTimer = -1;
      send();
    });
  }
}
