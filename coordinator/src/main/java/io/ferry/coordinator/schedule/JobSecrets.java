package io.ferry.coordinator.schedule;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.spec.TenantSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * Job specs as submitted, passwords as written, kept in this process's memory only. Assignments carry
 * these connections point-to-point to the worker that claimed a unit; maps and the target's
 * {@code ferry.jobs} hold the spec without secrets. A job loaded after a restart has only that stored
 * spec: its references still work, its literal passwords are gone.
 */
public final class JobSecrets {

  private final Map<String, JobSpec> specs = new HashMap<>();

  public void put(String jobId, JobSpec submitted) {
    specs.put(jobId, submitted);
  }

  public JobSpec spec(JobRecord job) {
    JobSpec withSecrets = specs.get(job.id());
    // The record's limits are the current ones (PATCH changes the record, not the submitted spec).
    return withSecrets == null ? job.spec() : withSecrets.withLimits(job.spec().limits());
  }

  /** True when the job needs a literal password this process no longer has. */
  public boolean missing(JobRecord job) {
    JobSpec spec = spec(job);
    if (spec.target() != null && Secret.REDACTED.equals(spec.target().password())) {
      return true;
    }
    if (spec.source() != null && spec.source().tenants() != null) {
      for (TenantSpec t : spec.source().tenants()) {
        if (t != null && Secret.REDACTED.equals(t.password())) {
          return true;
        }
      }
    }
    return false;
  }
}
