package io.ferry.protocol.message;

import java.util.List;

/**
 * A worker asks for up to {@code slots} units (0: none, it only reports) and reports the results of the
 * units that ended since its last request. One message does both because a worker of small units does
 * both about once per unit: as two round trips, they were a good part of what a small unit cost beyond
 * its rows (docs/benchmarks.md, session 9). The results are taken before the claim.
 */
public record ClaimRequest(String workerId, int slots, List<UnitResult> results) {

  public ClaimRequest {
    results = results == null ? List.of() : List.copyOf(results);
  }

  /** A claim that reports nothing. */
  public ClaimRequest(String workerId, int slots) {
    this(workerId, slots, List.of());
  }
}
