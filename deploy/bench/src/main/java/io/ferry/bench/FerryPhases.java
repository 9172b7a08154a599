package io.ferry.bench;

/**
 * Where a benchmark job's wall clock went, from the job's phase as the API reports it (polled every
 * 100 ms, so each boundary is known to about a tenth of a second):
 * <ul>
 *   <li>setup: {@code POST} (which returns after the preflight) until the phase is {@code copy} — the
 *       preflight, the prepare unit (create the table) and their claim round trips;</li>
 *   <li>copy: until the phase is {@code finish} — every copy unit, the same work as the pipes;</li>
 *   <li>finish: until the job ended — primary key and {@code ANALYZE}, as the pipe run does after its
 *       pipes.</li>
 * </ul>
 * The pipe run is given its ranges and its empty table, so it has no setup; Ferry's total includes it.
 */
final class FerryPhases {

  private final long submitted;
  private long copyStarted = -1;
  private long finishStarted = -1;
  private long ended = -1;

  FerryPhases(long submittedNanos) {
    this.submitted = submittedNanos;
  }

  /** One poll of the job: its phase ({@code prepare}, {@code copy}, {@code finish}, {@code done}) at {@code nanos}. */
  void seen(String phase, long nanos) {
    boolean pastPrepare = phase.equals("copy") || phase.equals("finish") || phase.equals("done");
    boolean pastCopy = phase.equals("finish") || phase.equals("done");
    if (pastPrepare && copyStarted < 0) {
      copyStarted = nanos;
    }
    if (pastCopy && finishStarted < 0) {
      finishStarted = nanos;
    }
  }

  void ended(long nanos) {
    ended = nanos;
    seen("done", nanos);
  }

  double seconds() {
    return (ended - submitted) / 1e9;
  }

  double setupSeconds() {
    return (copyStarted - submitted) / 1e9;
  }

  double copySeconds() {
    return (finishStarted - copyStarted) / 1e9;
  }

  double finishSeconds() {
    return (ended - finishStarted) / 1e9;
  }
}
