package io.ferry.protocol.message;

/**
 * The answer to a reservation.
 *
 * @param waitMillis how long to wait before writing the reserved rows (0: go ahead)
 * @param nextRows   reserve again after this many rows…
 * @param nextBytes  …or this many bytes, whichever first: small batches under a tight limit (smooth
 *                   rate), large ones when unlimited (negligible overhead)
 * @param unlimited  the job has no rate limit now: a worker may start its next unit of the job without
 *                   asking first, and need not pay for the rows a unit wrote since its last reservation
 */
public record PermitReply(long waitMillis, long nextRows, long nextBytes, boolean unlimited) {

  public static final PermitReply UNLIMITED = new PermitReply(0, 20_000, 8L << 20, true);

  /** A reply under a limit. */
  public PermitReply(long waitMillis, long nextRows, long nextBytes) {
    this(waitMillis, nextRows, nextBytes, false);
  }
}
