package io.ferry.worker.rate;

import io.ferry.protocol.message.PermitReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this worker last heard from the coordinator about each job's rate limit: whether the job was
 * unlimited. Shared by the worker's units, so a new unit of an unlimited job need not ask before its
 * first row ({@link RateMeter#begin}).
 */
public final class RateHints {

  private final Map<String, Boolean> unlimited = new ConcurrentHashMap<>();

  boolean unlimited(String jobId) {
    return unlimited.getOrDefault(jobId, false);
  }

  /** Notes the answer for the job and returns it. */
  PermitReply record(String jobId, PermitReply reply) {
    unlimited.put(jobId, reply.unlimited());
    return reply;
  }
}
