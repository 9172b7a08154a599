package io.ferry.protocol.unit;

/**
 * A unit's claims by workers: how often it was claimed, and who holds it until when. A worker holds it only
 * while the unit is leased; its count and epoch outlive the lease.
 *
 * @param attempts  claims since the unit was created or retried
 * @param epoch     incremented at every claim; a worker's checkpoint write carries it, so a worker whose
 *                  lease was taken away cannot commit over the new holder
 * @param workerId  the worker holding the lease (null when none does)
 * @param expiresAt when the lease ends unless renewed (0 when none is held)
 */
public record Lease(int attempts, long epoch, String workerId, long expiresAt) {

  public static final Lease NONE = new Lease(0, 0, null, 0);

  /** The next claim of the unit, by {@code worker} until {@code until}. */
  Lease claimedBy(String worker, long until) {
    return new Lease(attempts + 1, epoch + 1, worker, until);
  }

  /** This lease with no holder: its attempts and epoch stay. */
  Lease released() {
    return new Lease(attempts, epoch, null, 0);
  }
}
