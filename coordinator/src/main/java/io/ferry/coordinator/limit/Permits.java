package io.ferry.coordinator.limit;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.protocol.message.PermitReply;
import io.ferry.protocol.message.PermitRequest;
import io.ferry.protocol.spec.Limits;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers workers' rate reservations ({@code ferry.limit.permit}) from the job's current limits. The
 * limits are read from the job record at every reservation, so a job submitted, restored after a
 * restart or re-limited by {@code PATCH} is throttled by its latest limits without any other wiring.
 * Event-loop confined.
 */
public final class Permits {

  private final JobBoard board;
  private final JobRateLimiter limiter;
  private final Map<String, Limits> applied = new HashMap<>();

  public Permits(JobBoard board, JobRateLimiter limiter) {
    this.board = board;
    this.limiter = limiter;
  }

  public PermitReply reserve(PermitRequest request) {
    JobRecord job = board.job(request.jobId());
    if (job == null || job.spec() == null) {
      return PermitReply.UNLIMITED;
    }
    Limits limits = job.spec().limitsOrNone();
    if (!limits.equals(applied.get(job.id()))) {
      limiter.configure(job.id(), limits);
      applied.put(job.id(), limits);
    }
    return limiter.reserve(job.id(), Math.max(0, request.rows()), Math.max(0, request.bytes()));
  }

  public double waitedSeconds(String jobId) {
    return limiter.waitedSeconds(jobId);
  }
}
