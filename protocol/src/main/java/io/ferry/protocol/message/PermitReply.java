package io.ferry.protocol.message;

/**
 * The answer to a reservation.
 *
 * @param waitMillis how long to wait before writing the reserved rows (0: go ahead)
 * @param nextRows   reserve again after this many rows…
 * @param nextBytes  …or this many bytes, whichever first: small batches under a tight limit (smooth
 *                   rate), large ones when unlimited (negligible overhead)
 */
public record PermitReply(long waitMillis, long nextRows, long nextBytes) {

  public static final PermitReply UNLIMITED = new PermitReply(0, 20_000, 8L << 20);
}
