package io.ferry.protocol;

/**
 * Event-bus addresses. Workers only ever send requests to coordinator addresses and read the replies,
 * so the coordinator never pushes work to a worker: workers pull.
 */
public final class Addresses {

  /** Worker asks for up to N work units: {@code ClaimRequest} → {@code ClaimReply}. */
  public static final String CLAIM = "ferry.unit.claim";
  /** Worker reports a committed chunk of a unit: {@code UnitProgress}, no reply needed. */
  public static final String PROGRESS = "ferry.unit.progress";
  /** Worker reports a unit's end: {@code UnitResult} → "ok" or a failure if the lease was lost. */
  public static final String RESULT = "ferry.unit.result";
  /** Worker renews its leases and says it is alive: {@code Heartbeat} → {@code HeartbeatReply}. */
  public static final String HEARTBEAT = "ferry.worker.heartbeat";
  /**
   * A worker reserves rows and bytes of a job's rate budget before writing them: {@code PermitRequest} →
   * {@code PermitReply}. Every copy unit asks, limited or not, so a limit set on a running job takes
   * effect at the next reservation.
   */
  public static final String PERMIT = "ferry.limit.permit";
  /**
   * Coordinator → every worker (publish, empty body): units became ready to claim (a job was accepted or
   * resumed, a prepare or the last copy of a table finished, a lease went back to the queue). Only a hint
   * that carries no work: a worker with free slots claims at once instead of at its next claim tick, and
   * one without ignores it, so workers still pull.
   */
  public static final String UNITS_READY = "ferry.unit.ready";
  /** Coordinator asks any worker to check connections and survey a job: {@code PreflightRequest} → {@code PreflightReply}. */
  public static final String PREFLIGHT = "ferry.job.preflight";

  private Addresses() {
  }
}
