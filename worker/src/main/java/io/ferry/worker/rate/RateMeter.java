package io.ferry.worker.rate;

import io.ferry.protocol.Addresses;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.PermitReply;
import io.ferry.protocol.message.PermitRequest;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one copy unit to its job's cluster-wide rate limits. The unit reports what it wrote; every
 * batch (sized by the coordinator: about a tenth of a second of the limit, or large when unlimited) it
 * reserves that much from the job's budget in the coordinator and waits as long as it is told. Runs on
 * the unit's own thread, never an event loop.
 *
 * <p>If the coordinator does not answer (restarting), the unit goes on unthrottled rather than
 * stalling: a limit protects a source from overload, it must not stop a migration.
 */
public final class RateMeter implements RateGate {

  private static final Logger LOG = LoggerFactory.getLogger(RateMeter.class);
  private static final long REQUEST_TIMEOUT_MILLIS = 5_000;

  private final Vertx vertx;
  private final String jobId;
  private final String workerId;
  private final RateHints hints;
  /** The last answer said the job is unlimited (or, before any, the hints did): nothing to settle. */
  private boolean unlimited;
  private long rows;
  private long bytes;
  private long nextRows;
  private long nextBytes;
  private long waitedMillis;
  private long heldNanos;
  /** The first reservation, sent by {@link #begin()} while the unit starts; null until then. */
  private CompletableFuture<PermitReply> first;

  RateMeter(Vertx vertx, String jobId, String workerId) {
    this(vertx, jobId, workerId, new RateHints());
  }

  public RateMeter(Vertx vertx, String jobId, String workerId, RateHints hints) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.workerId = workerId;
    this.hints = hints;
  }

  /**
   * Sends the first tiny reservation, which learns the batch size, without waiting for it: its round trip
   * to the coordinator overlaps the unit's take-over and the start of its source query instead of
   * stalling the first row (with small units, one round trip per unit was a noticeable part of each).
   *
   * <p>When the last answer this worker had for the job said it is unlimited, the unit starts on the
   * unlimited batch without asking: its first reservation comes after that batch, and its answer brings
   * any limit set since. A limit set on a running job thus holds from the next batch of every unit, as
   * before, and a unit of an unlimited job costs no reservation round trip at its start or end.
   */
  @Override
  public void begin() {
    if (first != null || nextRows != 0) {
      return;
    }
    if (hints.unlimited(jobId)) {
      apply(PermitReply.UNLIMITED);
    } else {
      first = request(1, 0);
    }
  }

  /** Counts written rows and bytes; reserves and waits when a batch is complete. */
  @Override
  public void written(long newRows, long newBytes) {
    if (nextRows == 0) {
      // The first reservation (and its wait) comes before the first row is counted, as every later one
      // comes before the rows past its batch.
      apply(await(first != null ? first : request(1, 0)));
      first = null;
    }
    rows += newRows;
    bytes += newBytes;
    if (rows >= nextRows || bytes >= nextBytes) {
      reserve(rows, bytes);
    }
  }

  /**
   * Pays for the rows written since the last reservation, without waiting: the unit has ended, but what
   * it wrote counts against the job's budget (the next reservation of any unit of the job pays the debt).
   */
  public void settle() {
    if (unlimited) {
      rows = 0;
      bytes = 0;
      return;
    }
    if (rows > 0 || bytes > 0) {
      vertx.eventBus().request(Addresses.PERMIT, Json.encode(new PermitRequest(jobId, workerId, rows, bytes)),
          new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS));
      rows = 0;
      bytes = 0;
    }
  }

  public long waitedMillis() {
    return waitedMillis;
  }

  @Override
  public long heldNanos() {
    return heldNanos;
  }

  private void reserve(long r, long b) {
    apply(await(request(r, b)));
  }

  private CompletableFuture<PermitReply> request(long r, long b) {
    rows = 0;
    bytes = 0;
    return vertx.eventBus().<String>request(Addresses.PERMIT, Json.encode(new PermitRequest(jobId, workerId, r, b)),
            new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS))
        .map(message -> hints.record(jobId, Json.decode(message.body(), PermitReply.class)))
        .toCompletionStage().toCompletableFuture();
  }

  private PermitReply await(CompletableFuture<PermitReply> reply) {
    long started = System.nanoTime();
    try {
      return reply.get(REQUEST_TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PermitReply.UNLIMITED;
    } catch (Exception e) {
      LOG.debug("job {}: no rate permit from the coordinator ({}); going on", jobId, e.getMessage());
      return PermitReply.UNLIMITED;
    } finally {
      heldNanos += System.nanoTime() - started;
    }
  }

  private void apply(PermitReply reply) {
    unlimited = reply.unlimited();
    nextRows = Math.max(1, reply.nextRows());
    nextBytes = Math.max(1, reply.nextBytes());
    if (reply.waitMillis() > 0) {
      waitedMillis += reply.waitMillis();
      long started = System.nanoTime();
      try {
        Thread.sleep(reply.waitMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      heldNanos += System.nanoTime() - started;
    }
  }
}
