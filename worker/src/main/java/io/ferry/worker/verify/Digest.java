package io.ferry.worker.verify;

/**
 * A range's row count and order-independent checksum on one side. Two digests are comparable only when
 * both sides computed them the same way (both in the database of one engine, or both streamed through
 * {@link Canonical}).
 *
 * @param checksum the sum of the rows' 64-bit hashes, as text
 */
public record Digest(long rows, String checksum) {

  /** A digest summed in Java. */
  public static Digest of(long rows, long sum) {
    return new Digest(rows, Long.toString(sum));
  }
}
