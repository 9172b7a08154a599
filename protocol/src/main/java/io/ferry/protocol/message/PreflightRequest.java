package io.ferry.protocol.message;

import io.ferry.protocol.spec.JobSpec;

/** Check every connection of a job and survey its tables. The spec carries passwords as written. */
public record PreflightRequest(JobSpec spec) {
}
